"""French formats and labels for appeals' templates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask

from services.appeals.domain.deadlines import last_day
from services.appeals.domain.letters import outcome_title
from shared.french import format_date, format_datetime, format_value
from shared.routes.wording import NAMES, to, upper_first

STATUS = {
    "received": "À prendre en charge",
    "in_review": "En cours d'examen",
    "awaiting_validation": "Décision à valider",
    "decided": "Décidé",
}
STATUS_FOR_PERSON = {
    "received": "Reçu, en attente d'examen",
    "in_review": "En cours d'examen par un agent",
    "awaiting_validation": "En cours d'examen par un agent",
    "decided": "Décision prise",
}
OUTCOME = {
    "maintained": "Décision maintenue",
    "amended": "Décision modifiée",
    "annulled": "Décision annulée",
}  # « modifiée »: see `outcome_label` below
CHANNEL = {
    "online": "En ligne",
    "counter": "Au guichet",
    "phone": "Par téléphone",
    "letter": "Par courrier",
}
# The route kinds as the sentences name them; "recours": appeals filed before the routes.
KIND = {"recours": "Recours", **{kind: upper_first(name) for kind, name in NAMES.items()}}
LEVEL = {0: "Rappel envoyé", 1: "Escaladé", 2: "Alerte", 3: "Délai légal dépassé"}
ACTION = {
    "filed": "Recours déposé",
    "acknowledged": "Accusé de réception envoyé",
    "claimed": "Pris en charge",
    "assigned": "Attribué",
    "reassigned": "Réattribué",
    "released": "Remis dans la file",
    "submitted": "Décision soumise à validation",
    "sent_back": "Décision renvoyée à l'instructeur",
    "decided": "Décision prise",
    "alarm": "Rappel ou escalade",
    "revision_logged": "Nouvelle décision journalisée",
    "recomputed_claimed": "Résultat recalculé avec les valeurs de la personne",
    "attachment_opened": "Pièce jointe ouverte",
    "examined": "Examen vérifié avant la décision",
    "decision_received_on": "Date de réception de la décision enregistrée",
}
DISPATCH = {
    "pending": "À envoyer",
    "sent": "Envoyé",
    "failed": "Échec d'envoi",
    "to_print": "À imprimer et poster",
    "posted": "Posté",
}


def _date(value: date | datetime | None) -> str:
    return format_date(value) if value is not None else "—"


def _datetime(value: datetime | None) -> str:
    return format_datetime(value) if value is not None else "—"


def _last_day(due: datetime | None) -> str:
    return "—" if due is None else format_date(last_day(due))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    if minutes < 1:
        return "moins d'une minute"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def _days_left(due: datetime, now: datetime) -> str:
    days = (due - now).total_seconds() / 86400
    if days < 0:
        return f"dépassé de {int(-days) + 1} j"
    return f"dans {int(days)} j" if days >= 1 else "aujourd'hui"


def outcome_label(appeal: Any) -> str:
    """« Modifiée » only when the result changed (domain.letters.outcome_title)."""
    changed = (appeal.examination or {}).get("changed", appeal.new_outcome_code is not None)
    return outcome_title(appeal.outcome, bool(changed))


def install_filters(app: Flask) -> None:
    filters: dict[str, Any] = {
        "fr_date": _date,
        "fr_datetime": _datetime,
        "last_day": _last_day,
        "fr_value": format_value,
        "duration": _duration,
        "percent": _percent,
        "days_left": _days_left,
        "to": to,
    }
    app.jinja_env.filters.update(filters)
    app.jinja_env.globals.update(
        STATUS=STATUS,
        STATUS_FOR_PERSON=STATUS_FOR_PERSON,
        OUTCOME=OUTCOME,
        CHANNEL=CHANNEL,
        KIND=KIND,
        LEVEL=LEVEL,
        ACTION=ACTION,
        DISPATCH=DISPATCH,
        outcome_label=outcome_label,
    )
