"""Small pieces of French the sections share: values, points, lists, thresholds, durations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from shared.decision_model import FAVOURABLE, CriterionDef, ThresholdStep
from shared.french import format_amount, format_date, format_number, format_value

CRPA = "code des relations entre le public et l'administration"


def value_text(criterion: CriterionDef | None, value: Any) -> str:
    """A criterion value as the person reads it: `1 180 €`, `oui`, `2 novembre 2026`."""
    if isinstance(value, tuple | list):
        return either(*(value_text(criterion, item) for item in value))
    if isinstance(value, date):
        return format_date(value)
    if criterion is None:
        return format_value(value)
    if criterion.type == "string":
        return f"« {value} »"
    if isinstance(value, Decimal):
        value = value.normalize()
    return format_value(value, criterion.unit, criterion.type)


def quoted(label: str) -> str:
    return f"« {label} »"


def label_of(criterion: CriterionDef | None, code: str) -> str:
    """The criterion's label as registered (its code when the registry does not know it)."""
    return criterion.label if criterion is not None else code


def subject_of(criterion: CriterionDef) -> str:
    """How a sentence names the criterion: the registry's phrasing (`votre quotient familial`),
    else `l'information « label »`, which reads right whatever the label's grammar."""
    if criterion.phrasing is not None and criterion.phrasing.subject:
        return criterion.phrasing.subject
    return f"l'information {quoted(criterion.label)}"


def statement(criterion: CriterionDef, value: bool) -> str:
    """What a boolean value says of the person: `vous élevez seul votre enfant`, or by default
    `la réponse à « label » est oui`."""
    phrasing = criterion.phrasing
    said = None if phrasing is None else (phrasing.if_true if value else phrasing.if_false)
    return said or f"la réponse à {quoted(criterion.label)} est {value_text(criterion, value)}"


def que(text: str) -> str:
    """`que` before a clause, elided before a vowel: `qu'un frère`, `que vous`."""
    return f"qu'{text}" if text[:1].lower() in "aeiouyéèêàâîôûh" else f"que {text}"


def qualified(criterion: CriterionDef, value: Any, direction: str) -> str:
    """A value as people say a limit: `de 700 € ou moins`, `le 3 mars 2026 ou avant`, `de 5 km`.

    `direction` is "at_most", "at_least" or "exactly": the caller knows whether every value
    beyond this one gives the same result.
    """
    text = value_text(criterion, value)
    if criterion.type == "number":
        return f"de {text}" + {"at_most": " ou moins", "at_least": " ou plus"}.get(direction, "")
    if criterion.type == "date":
        return f"le {text}" + {"at_most": " ou avant", "at_least": " ou après"}.get(direction, "")
    return text


def lower_first(text: str) -> str:
    """`Place en crèche` → `place en crèche`, but `CAF` stays `CAF`."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """The text with a final full stop if it has none."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def both(*items: str) -> str:
    """`a`, `a et b`, `a, b et c`."""
    return _join(items, "et")


def either(*items: str) -> str:
    return _join(items, "ou")


def _join(items: Sequence[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def number(value: Decimal | int) -> str:
    """`4,8` and not `4,80`: exact products keep trailing zeros a person has no use for."""
    return format_number(Decimal(value).normalize())


def points(value: Decimal | int) -> str:
    """`1 point`, `0 point`, `1,5 point`, `20 points`: French puts the plural from 2."""
    word = "point" if abs(Decimal(value)) < 2 else "points"
    return f"{number(value)} {word}"


def threshold_gap(step: ThresholdStep, *, naming_threshold: bool = False) -> str:
    """Where the score stands against the threshold: `il manquait 15 points` only when
    reaching the threshold was what the person wanted (a score at least the threshold gives
    the favourable outcome); otherwise plainly `37 points sous le seuil` or `33,2 points
    au-dessus`. A score under the threshold of a check's selection is not something the
    person missed, and must not read as such. `naming_threshold`: for a sentence that has not
    named the threshold yet (`… pour atteindre le seuil`, `… au-dessus du seuil`)."""
    gap = step.value - step.score
    if gap == 0:
        return "exactement le seuil"
    if gap < 0:
        return f"{points(-gap)} au-dessus" + (" du seuil" if naming_threshold else "")
    if step.op in (">=", ">") and step.when_met == FAVOURABLE:
        return f"il manquait {points(gap)}" + (
            " pour atteindre le seuil" if naming_threshold else ""
        )
    return f"{points(gap)} sous le seuil"


def of(text: str) -> str:
    """`de` before a noun phrase: `d'un agent`, `du service`, `de la commission`."""
    lowered = text.lower()
    if lowered.startswith("le "):
        return "du " + text[3:]
    if lowered.startswith("les "):
        return "des " + text[4:]
    if lowered[:1] in "aeiouyéèêàâîôûh":
        return "d'" + text
    return "de " + text


def score_text(value: Decimal, in_euros: bool) -> str:
    return format_amount(value) if in_euros else points(value)


# How `score op value` reads, in the present and in the conditional, met or not.
_THRESHOLD = {
    ">=": (
        ("atteint le seuil de", "n'atteint pas le seuil de"),
        ("aurait atteint le seuil de", "n'aurait pas atteint le seuil de"),
    ),
    ">": (
        ("dépasse le seuil de", "ne dépasse pas le seuil de"),
        ("aurait dépassé le seuil de", "n'aurait pas dépassé le seuil de"),
    ),
    "<=": (
        ("ne dépasse pas le seuil de", "dépasse le seuil de"),
        ("n'aurait pas dépassé le seuil de", "aurait dépassé le seuil de"),
    ),
    "<": (
        ("reste sous le seuil de", "atteint le seuil de"),
        ("serait resté sous le seuil de", "aurait atteint le seuil de"),
    ),
}


def threshold_phrase(op: str, value: Decimal, met: bool, *, conditional: bool = False) -> str:
    """`atteint le seuil de 60 points`, `n'aurait pas atteint le seuil de 40 points`."""
    present, past = _THRESHOLD[op]
    words = (past if conditional else present)[0 if met else 1]
    return f"{words} {points(value)}"


def threshold_rule(op: str, value: Decimal) -> str:
    """`40 points ou plus`, `moins de 40 points`."""
    return {
        ">=": f"{points(value)} ou plus",
        ">": f"plus de {points(value)}",
        "<=": f"{points(value)} ou moins",
        "<": f"moins de {points(value)}",
    }[op]


def duration_hours(hours: int) -> str:
    """`48 heures`, `7 jours`."""
    if hours % 24 == 0 and hours >= 72:
        return f"{hours // 24} jours"
    return f"{hours} heure" if hours == 1 else f"{hours} heures"
