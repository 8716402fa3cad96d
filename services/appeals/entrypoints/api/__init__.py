"""appeals' HTTP API under /api/v1/appeals."""
