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
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
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
_TOKEN = re.compile(r"[a-z]{4,}|\d+")
_MONTHS = (
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
# A date with its day (« 3 août 2026 », « 1er mars », « 03/08/2026 », « 2026-08-03 »): a fact
# only when it is a date of the dossier, not any day the reviewer writes (« Vu le 30/11 »).
_WORDED_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\b(?:\s+\d{4})?")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\b")
_ISO_DATE = re.compile(r"\b\d{4}-(\d{2})-(\d{2})\b")
# An amount or a value: « 1 180 », « 27 300 € », « 40,5 », « 600 ». A lone digit only numbers
# a point or counts children: it is no fact by itself.
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> set[str]:
    """The words of a text that can carry a fact."""
    return {w for w in _WORD.findall(_plain(text)) if w not in _GENERIC}


def date_token(day: date) -> str:
    """A date of the dossier as `facts` finds it in a text (day and month)."""
    return f"@{day.month:02d}-{day.day:02d}"


def _dates(plain: str) -> tuple[set[str], str]:
    """The dates said in `plain` (day and month), and the text without them."""
    found: set[str] = set()

    def worded(match: re.Match[str]) -> str:
        found.add(f"@{_MONTHS.index(match.group(2)) + 1:02d}-{int(match.group(1)):02d}")
        return " "

    def numeric(match: re.Match[str]) -> str:
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.add(f"@{month:02d}-{day:02d}")
        return " "

    def iso(match: re.Match[str]) -> str:
        found.add(f"@{match.group(1)}-{match.group(2)}")
        return " "

    rest = _ISO_DATE.sub(iso, plain)
    rest = _WORDED_DATE.sub(worded, rest)
    rest = _NUMERIC_DATE.sub(numeric, rest)
    return found, rest


def _numbers(plain: str) -> set[str]:
    found = set()
    for raw in _NUMBER.findall(plain):
        compact = re.sub(r"[ \u00a0\u202f]", "", raw)
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", compact):
            compact = compact.replace(".", "")  # « 27.300 », a thousands separator
        try:
            value = Decimal(compact.replace(",", "."))
        except InvalidOperation:
            continue
        if value == value.to_integral_value() and abs(value) < 10 and len(compact) < 2:
            continue
        normal = format(value.normalize(), "f")
        found.add(f"#{normal}")
    return found


def facts_in(text: str) -> set[str]:
    """What in a text can be a fact of the dossier: its words, its dated days, its numbers."""
    dated, rest = _dates(_plain(text))
    return words(text) | dated | _numbers(rest)


def has_fact(text: str, dossier_words: set[str]) -> bool:
    """A word, a value or a date that the dossier itself contains: the person's values, the
    figures of the decision and of its rule, the grounds' text, the decision's and the
    contestation's dates. Any date or any number is not a fact of this dossier."""
    return bool(facts_in(text) & dossier_words)


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
    dates: Iterable[date] = (),
) -> frozenset[str]:
    """What a fact of this dossier can be made of: the words and numbers of the grounds (with
    the values the person claims), of the criteria's labels and values, of the attachments'
    names, and the dossier's dates (decision, notification, filing)."""
    grounds = list(grounds)
    claimed = [
        str(g.claimed_value)
        for g in grounds
        if isinstance(g.claimed_value, int | float | str) and not isinstance(g.claimed_value, bool)
    ]
    found: set[str] = {date_token(day) for day in dates}
    for text in (*(g.text for g in grounds), *claimed, *labels, *values, *attachment_names):
        found |= facts_in(text)
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
        own = set(evidence.dossier_words) | facts_in(ground.text)
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
