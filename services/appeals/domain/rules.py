"""The rules of a human review: who may act on an appeal, and what a decision must contain.

LIL art. 47 and the Conseil constitutionnel (2018-765 DC): a recours administratif is never
decided by an algorithm alone. Here only a signed-in agent of the appeal's administration, who
is not the one who took the initial decision, can close it, with facts, law and an answer to
every ground the person raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.deadlines import add_months

RECEIVED = "received"
IN_REVIEW = "in_review"
AWAITING_VALIDATION = "awaiting_validation"
DECIDED = "decided"
OPEN_STATUSES = (RECEIVED, IN_REVIEW, AWAITING_VALIDATION)
STATUSES = (*OPEN_STATUSES, DECIDED)

MAINTAINED = "maintained"
AMENDED = "amended"
ANNULLED = "annulled"
OUTCOMES = (MAINTAINED, AMENDED, ANNULLED)

ACTING_ROLES = ("reviewer", "supervisor")
READING_ROLES = ("reviewer", "supervisor", "admin", "auditor")

FORBIDDEN = "forbidden"  # the agent's role does not allow the action
MIN_MOTIVATION = 30  # characters: a sentence, not a tick
MIN_ANSWER = 10


class RuleBroken(Exception):
    """An action the rules forbid; `message` is French, for the agent."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}


class NotVisible(RuleBroken):
    """Outside the agent's administration: answered as if it did not exist."""

    def __init__(self) -> None:
        super().__init__("not_found", "Ce dossier n'existe pas.")


@dataclass(frozen=True)
class Agent:
    """A signed-in agent; `aliases` are the ids back offices use for them in `decided_by`.

    `kept_out_of`: the teams of their administration that work on a need-to-know basis and
    that they are not a member of; those teams' dossiers are, to them, as if absent.
    """

    id: str
    administration: str
    roles: frozenset[str]
    aliases: frozenset[str] = field(default_factory=frozenset)
    kept_out_of: frozenset[str] = field(default_factory=frozenset)

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def is_author_of(self, decided_by: str | None) -> bool:
        return decided_by is not None and decided_by in {self.id, *self.aliases}


@dataclass(frozen=True)
class Ground:
    """One ground the person raised: a disputed criterion, another reason, or their account."""

    id: str
    kind: str  # "criterion", "other" or "account"
    text: str
    criterion: str | None = None
    claimed_value: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "criterion": self.criterion,
            "claimed_value": self.claimed_value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ground:
        return cls(
            str(data["id"]),
            str(data["kind"]),
            str(data.get("text") or ""),
            data.get("criterion"),
            data.get("claimed_value"),
        )


@dataclass(frozen=True)
class Draft:
    """What the reviewer decides, before any four-eyes validation."""

    outcome: str
    facts: str
    law: str
    answers: dict[str, str]
    corrections: dict[str, Any] = field(default_factory=dict)
    main_reason: str = ""  # the letter's one sentence: « …, parce que <main_reason> »
    body: str = ""  # a mandatory prior appeal decided by a body (a commission)…
    deliberated_on: date | None = None  # …at its meeting of this day
    reexamine_by: date | None = None  # annulled: the new decision is due by this day


# The one sentence of a letter that says why: a clause, not a tick.
MIN_REASON = 20
# An annulled request is decided again within the silence delay of a recours (L231-4).
REEXAMINE_MONTHS = 2


def check_visible(agent: Agent, administration: str) -> None:
    if agent.administration != administration:
        raise NotVisible


def check_team(agent: Agent, team: str | None) -> None:
    """A need-to-know team's dossier exists only for its members, whatever their role."""
    if team is not None and team in agent.kept_out_of:
        raise NotVisible


def check_can_read(agent: Agent, administration: str) -> None:
    check_visible(agent, administration)
    if not agent.has_any(*READING_ROLES):
        raise RuleBroken(FORBIDDEN, "Votre rôle ne permet pas de consulter les dossiers.")


def check_can_act(agent: Agent, administration: str) -> None:
    check_visible(agent, administration)
    if not agent.has_any(*ACTING_ROLES):
        raise RuleBroken(
            FORBIDDEN, "Seuls les instructeurs et les superviseurs traitent les recours."
        )


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def check_open(status: str) -> None:
    if not is_open(status):
        raise RuleBroken("closed", "Ce recours est déjà décidé.")


def check_independence(agent: Agent, decided_by: str | None) -> None:
    """The person who took the initial decision may not review it."""
    if agent.is_author_of(decided_by):
        raise RuleBroken(
            "not_independent",
            "Vous avez pris la décision contestée : un autre agent doit examiner ce recours.",
        )


def check_can_decide(
    agent: Agent, administration: str, status: str, assignee: str | None, decided_by: str | None
) -> None:
    check_can_act(agent, administration)
    check_open(status)
    if status != IN_REVIEW or assignee != agent.id:
        raise RuleBroken("not_assignee", "Prenez le dossier en charge avant de décider.")
    check_independence(agent, decided_by)


def check_draft(
    draft: Draft,
    grounds: Iterable[Ground],
    *,
    today: date,
    received_on: date,
    collegial: bool = False,
    reexamined: bool = True,
) -> None:
    """Facts, law, and an answer to every ground raised; corrections only when amending; the
    letter's reason, the re-examination date of an annulment (`reexamined`: not when a
    preparatory measure is dropped), and the meeting of the body that decides a mandatory
    prior appeal."""
    problems: dict[str, str] = {}
    if draft.outcome not in OUTCOMES:
        problems["outcome"] = "Choisissez l'issue du recours."
    if len(draft.facts.strip()) < MIN_MOTIVATION:
        problems["facts"] = (
            "Exposez les considérations de fait sur lesquelles repose la "
            f"décision (au moins {MIN_MOTIVATION} caractères)."
        )
    if len(draft.law.strip()) < MIN_MOTIVATION:
        problems["law"] = (
            "Exposez les considérations de droit (textes appliqués), au moins "
            f"{MIN_MOTIVATION} caractères."
        )
    for ground in grounds:
        if len(draft.answers.get(ground.id, "").strip()) < MIN_ANSWER:
            problems[f"answer-{ground.id}"] = "Répondez à ce motif soulevé par la personne."
    if draft.outcome == AMENDED and not draft.corrections:
        problems["corrections"] = (
            "Pour modifier la décision, corrigez au moins une donnée : "
            "le résultat est recalculé par le modèle enregistré."
        )
    if draft.outcome != AMENDED and draft.corrections:
        problems["corrections"] = "Des données corrigées impliquent une décision modifiée."
    if draft.outcome in (MAINTAINED, AMENDED) and len(draft.main_reason.strip()) < MIN_REASON:
        problems["main_reason"] = (
            "Donnez en une phrase la raison principale, pour la personne : elle ouvrira la lettre."
        )
    if draft.outcome == ANNULLED and reexamined:
        latest = add_months(today, REEXAMINE_MONTHS)
        if draft.reexamine_by is None or not today < draft.reexamine_by <= latest:
            problems["reexamine_by"] = (
                "Indiquez la date à laquelle la personne aura une "
                "nouvelle décision : après aujourd'hui, et au plus tard "
                f"dans {REEXAMINE_MONTHS} mois."
            )
    if collegial:
        if len(draft.body.strip()) < 5:
            problems["body"] = "Indiquez l'instance qui a pris la décision."
        if draft.deliberated_on is None or not received_on <= draft.deliberated_on <= today:
            problems["deliberated_on"] = (
                "Indiquez la date de la séance où l'instance a "
                "délibéré : entre la réception du recours et "
                "aujourd'hui."
            )
    if problems:
        raise RuleBroken("incomplete", "La décision n'est pas complète.", problems)


def check_validator(
    agent: Agent,
    administration: str,
    status: str,
    drafted_by: str | None,
    decided_by: str | None,
    *,
    supervisor_required: bool = False,
) -> None:
    """Four eyes: a second agent, neither the drafter nor the initial decider, validates; a
    supervisor when the person's values change the result and the reviewer keeps it."""
    check_can_act(agent, administration)
    if status != AWAITING_VALIDATION:
        raise RuleBroken("not_awaiting", "Aucune décision n'attend de validation.")
    if agent.id == drafted_by:
        raise RuleBroken("same_agent", "Un second agent doit valider votre décision.")
    check_independence(agent, decided_by)
    if supervisor_required and not agent.has_any("supervisor"):
        raise RuleBroken(
            "supervisor_required",
            "Seul un superviseur peut confirmer cette décision : avec les valeurs "
            "de la personne, le résultat serait différent.",
        )


def check_can_assign(agent: Agent, administration: str, status: str) -> None:
    check_visible(agent, administration)
    if not agent.has_any("supervisor"):
        raise RuleBroken(FORBIDDEN, "Seul un superviseur attribue les dossiers.")
    check_open(status)
    if status == AWAITING_VALIDATION:
        raise RuleBroken("awaiting", "La décision attend sa validation.")


def is_overturn(outcome: str, original_code: str, new_code: str | None) -> bool:
    """Annulled, or amended to another result: the algorithm's decision did not stand."""
    return outcome == ANNULLED or (outcome == AMENDED and new_code != original_code)
