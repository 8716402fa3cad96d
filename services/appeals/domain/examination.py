"""An effective examination, enforced before a decision is recorded.

A click on « maintenir » is not a human examination (LIL art. 47; Défenseur des droits,
« Algorithmes, systèmes d'IA et services publics », 2024: an intervention must be « active,
concrète et significative »). So, before deciding:
- when the person gives the value they claim for a criterion, the reviewer runs the registered
  model with those values, and sees both results side by side;
- every attachment is opened;
- each ground gets its own answer, and every answer and the facts rest on something of the
  dossier (a value, a date, a document, what the person wrote), not a formula;
- when the person's values change the result and the reviewer keeps it anyway, a supervisor
  confirms with their own reasons (targeted four eyes), whatever the global setting.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.appeals.domain.rules import (
    AMENDED,
    MAINTAINED,
    MIN_MOTIVATION,
    Draft,
    Ground,
    RuleBroken,
)

# Words that say nothing about a dossier: an answer made only of them is a formula.
_GENERIC = frozenset(
    (
        "accord",
        "administration",
        "agent",
        "agents",
        "ainsi",
        "alors",
        "applique",
        "appliquee",
        "apres",
        "article",
        "articles",
        "aucun",
        "aucune",
        "aussi",
        "avant",
        "avec",
        "avez",
        "avoir",
        "avons",
        "bien",
        "ceci",
        "cela",
        "celle",
        "celles",
        "celui",
        "cette",
        "ceux",
        "change",
        "changent",
        "changer",
        "chez",
        "comme",
        "compte",
        "confirme",
        "confirmee",
        "conforme",
        "conformes",
        "correct",
        "correcte",
        "correctes",
        "corrects",
        "dans",
        "decision",
        "decisions",
        "deja",
        "demande",
        "depuis",
        "donc",
        "donnee",
        "donnees",
        "dont",
        "dossier",
        "dossiers",
        "effet",
        "element",
        "elements",
        "elle",
        "elles",
        "encore",
        "ensemble",
        "entre",
        "etait",
        "etes",
        "etre",
        "etudie",
        "etudiee",
        "etudies",
        "exact",
        "exacte",
        "exactes",
        "exacts",
        "examen",
        "examine",
        "examinee",
        "fait",
        "faits",
        "information",
        "informations",
        "instructeur",
        "instructrice",
        "juste",
        "justes",
        "lecture",
        "leur",
        "leurs",
        "lieu",
        "maintenu",
        "maintenue",
        "mais",
        "meme",
        "motif",
        "motifs",
        "notre",
        "nous",
        "personne",
        "peut",
        "plus",
        "point",
        "points",
        "pour",
        "raison",
        "raisons",
        "recours",
        "regle",
        "regles",
        "relu",
        "relue",
        "reponse",
        "rien",
        "sans",
        "selon",
        "sera",
        "seront",
        "service",
        "situation",
        "sommes",
        "sont",
        "sous",
        "suis",
        "superviseur",
        "superviseuse",
        "texte",
        "textes",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "valable",
        "valables",
        "verification",
        "verifie",
        "verifiee",
        "verifiees",
        "verifies",
        "votre",
        "vous",
    )
)
_WORD = re.compile(r"[a-z]{4,}")
# A value, an amount, a year: two digits at least (a lone digit may only number a point).
_NUMBER = re.compile(r"\d{2,}")
_TOKEN = re.compile(r"[a-z]{4,}|\d+")
_LETTERS = re.compile(r"[a-z]+")
# A date said in words is a fact of the dossier too.
_MONTHS = frozenset(
    (
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    )
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> set[str]:
    """The words of a text that can carry a fact."""
    return {w for w in _WORD.findall(_plain(text)) if w not in _GENERIC}


def has_fact(text: str, dossier_words: set[str]) -> bool:
    """A value or a date, or a word the dossier itself contains."""
    plain = _plain(text)
    return (
        bool(_NUMBER.search(plain))
        or bool(set(_LETTERS.findall(plain)) & _MONTHS)
        or bool(words(text) & dossier_words)
    )


def _same(text: str) -> str:
    return " ".join(_TOKEN.findall(_plain(text)))


@dataclass(frozen=True)
class Recomputation:
    """The registered model run with the values the person claims."""

    at: datetime
    by: str
    outcome_code: str
    outcome_label: str
    score: Any = None
    amount: Any = None
    flips: bool = False  # another outcome than the contested decision's

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "by": self.by,
            "outcome_code": self.outcome_code,
            "outcome_label": self.outcome_label,
            "score": self.score,
            "amount": self.amount,
            "flips": self.flips,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Recomputation:
        return cls(
            datetime.fromisoformat(data["at"]),
            str(data["by"]),
            str(data["outcome_code"]),
            str(data["outcome_label"]),
            data.get("score"),
            data.get("amount"),
            bool(data.get("flips")),
        )


@dataclass(frozen=True)
class Evidence:
    """What the deciding agent did with the dossier."""

    claimed: Mapping[str, Any]  # criterion → the value the person claims
    recomputable: bool  # the registered model can be run (not an opaque one)
    recomputation: Recomputation | None
    attachments: Mapping[int, str]  # id → file name
    opened: frozenset[int] = field(default_factory=frozenset)
    dossier_words: frozenset[str] = field(default_factory=frozenset)

    @property
    def needs_recomputation(self) -> bool:
        return bool(self.claimed) and self.recomputable

    @property
    def flips(self) -> bool:
        return self.recomputation is not None and self.recomputation.flips


def dossier_words(
    grounds: Iterable[Ground],
    labels: Iterable[str],
    values: Iterable[str],
    attachment_names: Iterable[str],
) -> frozenset[str]:
    found: set[str] = set()
    for text in (*(g.text for g in grounds), *labels, *values, *attachment_names):
        found |= words(text)
    return frozenset(found)


NO_FACT = (
    "Appuyez-vous sur un élément précis du dossier : une valeur, une date, une pièce, "
    "ou ce que la personne a écrit."
)


def check_examined(draft: Draft, grounds: list[Ground], evidence: Evidence) -> None:
    """RuleBroken, with a message per field, unless the dossier was really examined."""
    problems: dict[str, str] = {}
    if evidence.needs_recomputation and evidence.recomputation is None:
        problems["recompute"] = (
            "La personne indique d'autres valeurs. Avant de décider, "
            "cliquez sur « Recalculer avec les valeurs de la personne » "
            "et comparez les deux résultats."
        )
    unopened = [name for pk, name in evidence.attachments.items() if pk not in evidence.opened]
    if unopened:
        problems["attachments"] = (
            "Ouvrez chaque pièce jointe avant de décider. Pas encore "
            f"ouverte : {', '.join(f'« {n} »' for n in unopened)}."
        )
    if draft.facts.strip() and not has_fact(draft.facts, set(evidence.dossier_words)):
        problems["facts"] = f"Les faits doivent citer le dossier. {NO_FACT}"
    seen: dict[str, int] = {}
    for number, ground in enumerate(grounds, 1):
        answer = draft.answers.get(ground.id, "").strip()
        if not answer:
            continue
        key = _same(answer)
        if key in seen:
            problems[f"answer-{ground.id}"] = (
                f"Point {number} : cette réponse est la même qu'au point {seen[key]}. Chaque "
                f"point demande sa propre réponse."
            )
            continue
        seen[key] = number
        own = set(evidence.dossier_words) | words(ground.text)
        if not has_fact(answer, own):
            problems[f"answer-{ground.id}"] = (
                f"Point {number} : cette réponse ne dit rien du dossier. {NO_FACT}"
            )
    if problems:
        raise RuleBroken(
            "not_examined", "Le dossier n'a pas encore été examiné assez pour décider.", problems
        )


def requires_supervisor(
    draft: Draft, evidence: Evidence, original_code: str, new_code: str | None
) -> bool:
    """Targeted four eyes: the person's values change the result, and the reviewer keeps it."""
    if not evidence.flips:
        return False
    kept = draft.outcome == MAINTAINED or (draft.outcome == AMENDED and new_code == original_code)
    return kept


def check_confirmation(reasons: str, drafted_facts: str, evidence_words: Iterable[str]) -> None:
    """A supervisor's confirmation is motivated in their own words."""
    text = reasons.strip()
    problem = None
    if len(text) < MIN_MOTIVATION:
        problem = f"Donnez vos propres raisons de confirmer (au moins {MIN_MOTIVATION} caractères)."
    elif _same(text) == _same(drafted_facts):
        problem = "Vos raisons doivent être les vôtres, pas une copie des faits de l'instructeur."
    elif not has_fact(text, set(evidence_words)):
        problem = f"Vos raisons doivent citer le dossier. {NO_FACT}"
    if problem:
        raise RuleBroken("incomplete", "La confirmation n'est pas motivée.", {"reasons": problem})
