"""« Signaler une erreur » on a register entry: a short form, no account."""

from __future__ import annotations

from typing import Any

from flask import request

from services.decision_log.entrypoints.api import service
from services.decision_log.entrypoints.register import bp
from services.decision_log.entrypoints.register.common import now, versions_of
from services.decision_log.entrypoints.register.pages import redirect_to_entry, render_entry
from services.decision_log.service_layer.reports import ReportInvalid, TooManyReports, report_error
from shared.web.security import client_address

MESSAGES = {
    "topic": "Choisissez ce qui vous semble faux.",
    "message": "Décrivez l'erreur en 20 à 2 000 caractères, sans caractère spécial invisible.",
}


@bp.post("/register/<string:administration>/<string:algorithm_id>/<string:version>/signaler")
def report(administration: str, algorithm_id: str, version: str) -> Any:
    if version not in {v.version for v in versions_of(administration, algorithm_id)}:
        return render_entry(administration, algorithm_id, version)  # answers 404
    key = (administration, algorithm_id, version)
    form = {
        "topic": request.form.get("topic", ""),
        "message": request.form.get("message", "").replace("\r\n", "\n"),
    }
    app = service()
    try:
        with app.uow() as uow:
            report_id = report_error(uow, app.limiter, key, form, client_address(), now())
            uow.commit()
    except ReportInvalid as exc:
        errors = {name: MESSAGES[name] for name in exc.fields if name in MESSAGES}
        return render_entry(*key, errors=errors, form=form), 400
    except TooManyReports:
        errors = {
            "form": "Vous avez déjà envoyé plusieurs signalements. Réessayez dans une "
            "heure, ou écrivez au service indiqué sur cette page."
        }
        return render_entry(*key, errors=errors, form=form), 429
    return redirect_to_entry(key, signalement=report_id)
