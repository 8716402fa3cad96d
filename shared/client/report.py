"""What happened to each decision of a send: sent, rejected (invalid) or failed (retry later)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_DETAIL_LINES = 20


@dataclass(frozen=True)
class Sent:
    """A decision taken in charge by Explicite.

    Over HTTP the answer carries the access reference (and the access code when the decision
    is new, not a resend); over AMQP they come later, in the `explanation.generated` event.
    """

    decision_id: str
    channel: str  # "amqp" or "http"
    reference: str | None = None
    access_code: str | None = None
    public_url: str | None = None


@dataclass
class SendReport:
    """Every decision of a send lands in exactly one of `sent`, `rejected` or `failed`."""

    sent: list[Sent] = field(default_factory=list)
    rejected: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    by_channel: Counter[str] = field(default_factory=Counter)

    def add_sent(self, sent: Sent) -> None:
        self.sent.append(sent)
        self.by_channel[sent.channel] += 1

    @property
    def ok(self) -> bool:
        """True when every decision was sent."""
        return not self.rejected and not self.failed

    def summary(self) -> str:
        """A French summary for the operator: counts, then each problem with its reason."""
        channels = ", ".join(
            f"{name.upper()} : {count}" for name, count in sorted(self.by_channel.items())
        )
        lines = [
            f"{len(self.sent)} décision(s) envoyée(s)"
            + (f" ({channels})" if channels else "")
            + f", {len(self.rejected)} refusée(s), {len(self.failed)} en échec."
        ]
        details = [
            f"- {decision_id} refusée : {_reasons(reasons)}"
            for decision_id, reasons in self.rejected
        ]
        details += [
            f"- {decision_id} en échec, à renvoyer : {why}" for decision_id, why in self.failed
        ]
        lines += details[:MAX_DETAIL_LINES]
        if len(details) > MAX_DETAIL_LINES:
            lines.append(f"… et {len(details) - MAX_DETAIL_LINES} autre(s).")
        return "\n".join(lines)


def _reasons(reasons: dict[str, list[str]]) -> str:
    return "; ".join(f"{name}: {', '.join(errors)}" for name, errors in reasons.items())
