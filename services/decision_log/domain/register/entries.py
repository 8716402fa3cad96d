"""A register entry: one public algorithm version, its stable addresses and its key dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Not published below this count: small numbers could point at a person (docs/register.md).
SMALL_COUNT = 11


@dataclass(frozen=True)
class Addresses:
    """Stable addresses under the public origin: they never change once published."""

    base: str

    def register(self) -> str:
        return f"{self.base}/register"

    def administration(self, administration: str) -> str:
        return f"{self.base}/register#adm-{administration}"

    def algorithm(self, administration: str, algorithm_id: str) -> str:
        return f"{self.base}/register/{administration}/{algorithm_id}"

    def version(self, administration: str, algorithm_id: str, version: str) -> str:
        return f"{self.algorithm(administration, algorithm_id)}/{version}"

    def api(self, administration: str, algorithm_id: str, version: str) -> str:
        return f"{self.base}/api/v1/algorithms/{administration}/{algorithm_id}/{version}"

    def export(self, name: str, schema_version: int = 1) -> str:
        return f"{self.base}/register/exports/v{schema_version}/{name}"


@dataclass(frozen=True)
class Entry:
    """A registered public version with what the register needs beside its document."""

    document: dict[str, Any]
    revision: int
    registered_at: datetime
    retired_at: datetime | None = None
    # Decisions logged with this version over the last twelve months.
    decisions_last_year: int = 0
    decisions_logged: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def administration(self) -> str:
        return str(self.document["administration"])

    @property
    def algorithm_id(self) -> str:
        return str(self.document["id"])

    @property
    def version(self) -> str:
        return str(self.document["version"])

    @property
    def key(self) -> tuple[str, str, str]:
        return self.administration, self.algorithm_id, self.version

    @property
    def identifier(self) -> str:
        """`administration/id/version`: the version's stable identifier in every export."""
        return "/".join(self.key)

    @property
    def organisation_name(self) -> str:
        organisation = self.document.get("organisation") or {}
        return str(organisation.get("name") or self.administration)

    @property
    def siren(self) -> str | None:
        organisation = self.document.get("organisation") or {}
        return organisation.get("siren")

    @property
    def inventory(self) -> dict[str, Any]:
        return dict(self.document.get("inventory") or {})

    @property
    def in_use(self) -> bool:
        return self.document["status"] == "in_use"


def published_count(value: int) -> int | None:
    """The count when it may be published, None when it is too small (1 to 10)."""
    return value if value == 0 or value >= SMALL_COUNT else None


def count_text(value: int) -> str:
    """« 0 », « moins de 11 », « 1 234 »: what a page or an export shows of a count."""
    from shared.french import format_number

    shown = published_count(value)
    return "moins de 11" if shown is None else format_number(shown)


def versions_in_order(entries: list[Entry]) -> list[Entry]:
    """An algorithm's versions, oldest registration first."""
    return sorted(entries, key=lambda e: (e.registered_at, e.version))
