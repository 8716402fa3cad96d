"""The RabbitMQ topology of contract v1, as constants: every process declares all of it."""

from __future__ import annotations

from dataclasses import dataclass

DECISIONS_EXCHANGE = "explicite.decisions"
EVENTS_EXCHANGE = "explicite.events"
DEAD_EXCHANGE = "explicite.dead"
EXCHANGES = {DECISIONS_EXCHANGE: "topic", EVENTS_EXCHANGE: "topic", DEAD_EXCHANGE: "topic"}

# Quorum queues on RabbitMQ 3.10 redeliver forever unless told otherwise.
DELIVERY_LIMIT = 5

DECISION_RECORDED = "decision.recorded"
DECISION_LOGGED = "decision.logged"
DECISION_QUARANTINED = "decision.quarantined"
DECISION_DIVERGENT = "decision.divergent"
DECISION_REVISED = "decision.revised"
ALGORITHM_REGISTERED = "algorithm.registered"
EXPLANATION_GENERATED = "explanation.generated"
# The same events, one message for the many that one transaction logged or explained for one
# administration (shared/contracts/batches.py): what the services consume, and back offices may.
DECISIONS_LOGGED = "decisions.logged"
EXPLANATIONS_GENERATED = "explanations.generated"
EXPLANATION_REQUESTED = "explanation.requested"
APPEAL_FILED = "appeal.filed"
APPEAL_ACKNOWLEDGED = "appeal.acknowledged"
APPEAL_ASSIGNED = "appeal.assigned"
APPEAL_DECIDED = "appeal.decided"
# A person's report of an error in a register entry (decision_log, which serves the register,
# to appeals, where the algorithm's owners work), and the answer that the public then sees.
REGISTER_REPORT_FILED = "register-report.filed"
REGISTER_REPORT_UPDATED = "register-report.updated"
AGENT_SESSIONS_REVOKED = "agent.sessions-revoked"

EVENTS = (
    DECISION_LOGGED,
    DECISIONS_LOGGED,
    DECISION_QUARANTINED,
    DECISION_DIVERGENT,
    DECISION_REVISED,
    ALGORITHM_REGISTERED,
    EXPLANATION_GENERATED,
    EXPLANATIONS_GENERATED,
    EXPLANATION_REQUESTED,
    APPEAL_FILED,
    APPEAL_ACKNOWLEDGED,
    APPEAL_ASSIGNED,
    APPEAL_DECIDED,
    REGISTER_REPORT_FILED,
    REGISTER_REPORT_UPDATED,
    AGENT_SESSIONS_REVOKED,
)


def routing_key(event: str, administration: str) -> str:
    """`<event>.<administration>`, e.g. `decision.logged.ville-exemple`."""
    return f"{event}.{administration}"


@dataclass(frozen=True)
class QueueSpec:
    """One durable quorum queue per consuming service and event."""

    service: str
    event: str
    exchange: str = EVENTS_EXCHANGE

    @property
    def name(self) -> str:
        return f"{self.service}.{self.event.replace('.', '-')}"

    @property
    def binding_key(self) -> str:
        return f"{self.event}.*"

    @property
    def arguments(self) -> dict[str, object]:
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": DEAD_EXCHANGE,
            # The queue's own name, so that the dead letter says where it failed.
            "x-dead-letter-routing-key": self.name,
        }


def dead_letter_queue(service: str) -> str:
    """Each service collects its dead letters in one queue, bound to `<service>.#`."""
    return f"{service}.dead-letter"


QUEUES = (
    QueueSpec("decision_log", DECISION_RECORDED, DECISIONS_EXCHANGE),
    QueueSpec("decision_log", DECISION_REVISED),
    # The register's read model of how each version fares in appeals, and of error reports.
    QueueSpec("decision_log", APPEAL_ACKNOWLEDGED),
    QueueSpec("decision_log", APPEAL_DECIDED),
    QueueSpec("decision_log", REGISTER_REPORT_UPDATED),
    QueueSpec("explainer", ALGORITHM_REGISTERED),
    QueueSpec("explainer", DECISIONS_LOGGED),
    # Agents' sessions live in appeals; the other services refuse the revoked ones.
    QueueSpec("decision_log", AGENT_SESSIONS_REVOKED),
    QueueSpec("explainer", AGENT_SESSIONS_REVOKED),
    QueueSpec("appeals", ALGORITHM_REGISTERED),
    QueueSpec("appeals", DECISIONS_LOGGED),
    QueueSpec("appeals", EXPLANATIONS_GENERATED),
    QueueSpec("appeals", REGISTER_REPORT_FILED),
)

# Queues of an earlier release, which took one message per event: no longer bound, so that
# nothing new reaches them, and still consumed by their service (as the queue that replaced
# each), so that what they held when the release changed is handled, not lost. An operator
# deletes them once empty (docs/operations.md).
RETIRED_QUEUES = (
    (QueueSpec("explainer", DECISION_LOGGED), QueueSpec("explainer", DECISIONS_LOGGED)),
    (QueueSpec("appeals", DECISION_LOGGED), QueueSpec("appeals", DECISIONS_LOGGED)),
    (QueueSpec("appeals", EXPLANATION_GENERATED), QueueSpec("appeals", EXPLANATIONS_GENERATED)),
)

DEAD_LETTER_QUEUE_ARGUMENTS = {"x-queue-type": "quorum"}


def queues_of(service: str) -> tuple[QueueSpec, ...]:
    return tuple(spec for spec in QUEUES if spec.service == service)


def queue_spec(name: str) -> QueueSpec:
    for spec in QUEUES:
        if spec.name == name:
            return spec
    raise KeyError(name)


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: `*` is exactly one word, `#` zero or more."""
    return _match(pattern.split("."), key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head in ("*", words[0])) and _match(rest, words[1:])
