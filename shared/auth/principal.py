"""Who is calling: a producer, an agent with roles, a usager, a service, or nobody."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AGENT_ROLES = ("reviewer", "supervisor", "algorithm_owner", "auditor", "admin")
# Who sees a person's contact details (e-mail, postal address, phone), in the API as in the
# console: the agents who write to them. Auditors check what was done, not where people live.
CONTACT_ROLES = ("reviewer", "supervisor", "admin")
PRODUCER_SCOPES = ("decisions:write", "algorithms:write")

Kind = Literal["anonymous", "producer", "agent", "usager"]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller; every query is bounded by its administration and rights."""

    kind: Kind
    id: str = ""
    administration: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    # For a usager: the decision references they proved they hold the access code of.
    references: frozenset[str] = field(default_factory=frozenset)
    # For an agent: the session generation they signed in with (see shared.auth.revocations).
    generation: int = 0

    @property
    def authenticated(self) -> bool:
        return self.kind != "anonymous"

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def belongs_to(self, administration: str) -> bool:
        return self.administration is not None and self.administration == administration


ANONYMOUS = Principal("anonymous")
