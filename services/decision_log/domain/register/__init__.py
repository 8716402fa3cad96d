"""The public register: its entries, their differences between versions, what each version
does in practice, and the exports in the formats of the ecosystem. Pure Python."""
