"""The explanation as a PDF the person can keep, print or send: tagged (PDF/UA-1), dated."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup

from services.explainer.domain.data_protection import retention_sentence
from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.explanation import LEGAL_ONLY
from shared.pdf import page, render
from shared.tlog.receipt import fingerprint


def retention() -> str | None:
    """Explicite's retention of personal data, from the deployment's settings (RGPD art.
    13(2)(a) / 14(2)(a)), shown under « Vos données personnelles »; None without settings."""
    settings = current_app.config.get("EXPLICITE_SETTINGS")
    if settings is None:
        return None
    return retention_sentence(settings.personal_data_retention_days)


def explanation_pdf(
    document: ExplanationDocument,
    reference: str,
    version: int,
    generated_at: datetime,
    today: date,
    request_: Any = None,
    log_hash: str | None = None,
) -> bytes:
    """`document` as read `today` (its dated sections built for that day), which the PDF
    gives as its date of issue; `log_hash`: the decision's hash in the transparency log, whose
    fingerprint the header prints as the page's receipt does."""
    body = render_template(
        "explainer/pdf.html",
        doc=document,
        reference=reference,
        version=version,
        generated_at=generated_at,
        today=today,
        request_=request_,
        legal_only=LEGAL_ONLY,
        fingerprint=fingerprint(log_hash) if log_hash else None,
        retention=retention(),
    )
    return render(
        page(
            document.title,
            Markup(body),  # noqa: S704 - rendered by Jinja, escaped
            footer=f"Explicite — référence {reference}",
            issued_on=today,
        )
    )
