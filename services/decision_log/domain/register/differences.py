"""What changed between two versions of an algorithm, in plain French: parameters and weights,
thresholds, criteria, legal bases, degree of automation, and the rest of the entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.decision_log.domain.register.legal import label as basis_label
from shared.french import format_date, format_value

AUTOMATION = {
    "full": "l'algorithme décide seul",
    "partial": "un agent décide, avec l'aide de l'algorithme",
}
KINDS = {
    "rules": "des conditions à remplir",
    "points": "un barème de points",
    "linear": "un score pondéré",
    "opaque": "un modèle sans règles publiées",
    "openfisca": "un calcul fait par un modèle OpenFisca",
}
OPS = {
    "<": "moins de",
    "<=": "au plus",
    ">": "plus de",
    ">=": "au moins",
    "==": "égal à",
    "!=": "différent de",
    "in": "parmi",
    "not_in": "hors de",
}
STATUS = {"in_use": "en service", "retired": "retirée"}


@dataclass(frozen=True)
class Change:
    """One change, under a topic the page groups by."""

    topic: str
    text: str


TOPICS = (
    "Rôle de l'algorithme",
    "Critères",
    "Paramètres et poids",
    "Seuils",
    "Conditions",
    "Textes",
    "Finalité et fonctionnement",
    "Données",
)


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Every difference that matters to a person, in the order of TOPICS."""
    labels = {c["code"]: c["label"] for c in (*before["criteria"], *after["criteria"])}
    units = {c["code"]: c.get("unit") for c in (*before["criteria"], *after["criteria"])}
    changes = [
        *_automation(before, after),
        *_criteria(before, after),
        *_model(before["model"], after["model"], labels, units),
        *_legal_bases(before, after),
        *_texts(before, after),
        *_data(before, after),
    ]
    return sorted(changes, key=lambda c: TOPICS.index(c.topic))


def _value(value: Any, unit: str | None) -> str:
    if isinstance(value, list):
        return ", ".join(format_value(v, unit) for v in value)
    return format_value(value, unit)


def _automation(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    topic = "Rôle de l'algorithme"
    changes = []
    if before["automation_allowed"] != after["automation_allowed"]:
        changes.append(
            Change(
                topic,
                f"Avant, {AUTOMATION[before['automation_allowed']]}. "
                f"Désormais, {AUTOMATION[after['automation_allowed']]}.",
            )
        )
    if (before.get("human_role") or "") != (after.get("human_role") or "") and after.get(
        "human_role"
    ):
        changes.append(
            Change(
                topic,
                f"La décision est prise par {after['human_role']}"
                + (f" (avant : {before['human_role']})." if before.get("human_role") else "."),
            )
        )
    return changes


def _criteria(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    topic = "Critères"
    old = {c["code"]: c for c in before["criteria"]}
    new = {c["code"]: c for c in after["criteria"]}
    changes = [
        Change(topic, f"Nouveau critère : {new[code]['label']}.") for code in new if code not in old
    ]
    changes += [
        Change(topic, f"Critère retiré : {old[code]['label']}.") for code in old if code not in new
    ]
    for code in new.keys() & old.keys():
        was, now = old[code], new[code]
        if was.get("protected_ground") != now.get("protected_ground"):
            changes.append(
                Change(
                    topic,
                    f"« {now['label']} » "
                    + (
                        "touche désormais un motif protégé par la loi."
                        if now.get("protected_ground")
                        else "n'est plus classé comme motif protégé."
                    ),
                )
            )
        if was.get("source") != now.get("source"):
            changes.append(
                Change(
                    topic,
                    f"« {now['label']} » vient désormais de : "
                    f"{now.get('source')} (avant : {was.get('source')}).",
                )
            )
    return changes


def _model(
    before: dict[str, Any],
    after: dict[str, Any],
    labels: dict[str, str],
    units: dict[str, str | None],
) -> list[Change]:
    if before["kind"] != after["kind"]:
        return [
            Change(
                "Paramètres et poids",
                f"Le calcul a changé de nature : {KINDS[before['kind']]} avant, "
                f"{KINDS[after['kind']]} désormais.",
            )
        ]
    compare_kind = {"points": _points, "linear": _linear, "rules": _rules}.get(after["kind"])
    return compare_kind(before, after, labels, units) if compare_kind else []


def _points(
    before: dict[str, Any],
    after: dict[str, Any],
    labels: dict[str, str],
    _units: dict[str, str | None],
) -> list[Change]:
    changes = []
    old = {g["criterion"]: g["bands"] for g in before["grids"]}
    for grid in after["grids"]:
        bands_before = {(b["op"], _key(b.get("value"))): b for b in old.get(grid["criterion"], [])}
        for band in grid["bands"]:
            was = bands_before.get((band["op"], _key(band.get("value"))))
            what = band.get("label") or labels.get(grid["criterion"], grid["criterion"])
            if was is None:
                changes.append(
                    Change(
                        "Paramètres et poids",
                        f"Nouvelle règle de points : « {what} », {band['points']} points.",
                    )
                )
            elif was["points"] != band["points"]:
                changes.append(
                    Change(
                        "Paramètres et poids",
                        f"« {what} » : {_points_text(band['points'])} au lieu "
                        f"de {_points_text(was['points'])}.",
                    )
                )
    if before.get("cutoff") != after.get("cutoff"):
        changes.append(
            Change(
                "Seuils",
                f"Seuil pour obtenir une réponse favorable : "
                f"{_points_text(after['cutoff'])} au lieu de "
                f"{_points_text(before['cutoff'])}.",
            )
        )
    return changes


def _linear(
    before: dict[str, Any],
    after: dict[str, Any],
    labels: dict[str, str],
    _units: dict[str, str | None],
) -> list[Change]:
    topic = "Paramètres et poids"
    changes = []
    old = {w["criterion"]: w["weight"] for w in before["weights"]}
    new = {w["criterion"]: w["weight"] for w in after["weights"]}
    for code, weight in new.items():
        name = labels.get(code, code)
        if code not in old:
            changes.append(
                Change(topic, f"« {name} » compte désormais, avec le poids {format_value(weight)}.")
            )
        elif old[code] != weight:
            changes.append(
                Change(
                    topic,
                    f"« {name} » : poids {format_value(weight)} au lieu "
                    f"de {format_value(old[code])}.",
                )
            )
    changes += [
        Change(topic, f"« {labels.get(code, code)} » ne compte plus dans le score.")
        for code in old
        if code not in new
    ]
    if before.get("intercept") != after.get("intercept"):
        changes.append(
            Change(
                topic,
                f"Point de départ du score : "
                f"{format_value(after.get('intercept'))} au lieu de "
                f"{format_value(before.get('intercept'))}.",
            )
        )
    was, now = before.get("threshold") or {}, after.get("threshold") or {}
    if (was.get("op"), was.get("value")) != (now.get("op"), now.get("value")) and now:
        changes.append(
            Change(
                "Seuils",
                f"Seuil du score : {OPS[now['op']]} "
                f"{format_value(now['value'])}"
                + (f" (avant : {OPS[was['op']]} {format_value(was['value'])})." if was else "."),
            )
        )
    if (before.get("amount") or {}) != (after.get("amount") or {}) and after.get("amount"):
        amount = after["amount"]
        changes.append(
            Change(
                "Seuils",
                f"Montant compris entre {format_value(amount['min'])} "
                f"et {format_value(amount['max'])}.",
            )
        )
    return changes


def _rules(
    before: dict[str, Any],
    after: dict[str, Any],
    labels: dict[str, str],
    units: dict[str, str | None],
) -> list[Change]:
    topic = "Conditions"
    old = {(r["criterion"], r["op"]): r for r in before["rules"]}
    new = {(r["criterion"], r["op"]): r for r in after["rules"]}
    changes = []
    for key, rule in new.items():
        unit = units.get(rule["criterion"])
        if key not in old:
            changes.append(Change(topic, f"Nouvelle condition : {rule['label']}."))
        elif old[key]["value"] != rule["value"]:
            changes.append(
                Change(
                    topic,
                    f"{labels.get(rule['criterion'])} : "
                    f"{OPS[rule['op']]} {_value(rule['value'], unit)} "
                    f"(avant : {OPS[rule['op']]} "
                    f"{_value(old[key]['value'], unit)}).",
                )
            )
    changes += [
        Change(topic, f"Condition supprimée : {rule['label']}.")
        for key, rule in old.items()
        if key not in new
    ]
    if before.get("amount") != after.get("amount") and after.get("amount") is not None:
        changes.append(
            Change(
                "Seuils",
                f"Montant accordé : {format_value(after['amount'], '€')}"
                + (
                    f" au lieu de {format_value(before['amount'], '€')}."
                    if before.get("amount") is not None
                    else "."
                ),
            )
        )
    return changes


def _legal_bases(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    topic = "Textes"
    old = {basis_label(b): b for b in before["legal_bases"]}
    new = {basis_label(b): b for b in after["legal_bases"]}
    changes = [Change(topic, f"Texte ajouté : {name}.") for name in new if name not in old]
    changes += [Change(topic, f"Texte retiré : {name}.") for name in old if name not in new]
    for name in new.keys() & old.keys():
        if new[name].get("version_date") != old[name].get("version_date") and new[name].get(
            "version_date"
        ):
            changes.append(
                Change(
                    topic, f"{name} : version du texte du {format_date(new[name]['version_date'])}."
                )
            )
    return changes


def _texts(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    topic = "Finalité et fonctionnement"
    changes = []
    if before["purpose"] != after["purpose"]:
        changes.append(Change(topic, "La description de la finalité a changé."))
    if before["operations"] != after["operations"]:
        changes.append(Change(topic, "La liste des opérations effectuées a changé."))
    if before["status"] != after["status"]:
        changes.append(
            Change(topic, f"État : {STATUS[after['status']]} (avant : {STATUS[before['status']]}).")
        )
    return changes


def _data(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    old = {(d["name"], d["source"]) for d in before.get("data_sources", [])}
    new = {(d["name"], d["source"]) for d in after.get("data_sources", [])}
    changes = [
        Change("Données", f"Nouvelle donnée : {name} ({source}).")
        for name, source in sorted(new - old)
    ]
    changes += [
        Change("Données", f"Donnée retirée : {name} ({source}).")
        for name, source in sorted(old - new)
    ]
    return changes


def _points_text(points: Any) -> str:
    return f"{format_value(points)} point" + ("s" if abs(points) >= 2 else "")


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
