"""The explanation as a PDF the person can keep, print or send: tagged (PDF/UA-1), dated."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import render_template
from markupsafe import Markup

from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.explanation import LEGAL_ONLY
from shared.pdf import page, render


def explanation_pdf(document: ExplanationDocument, reference: str, version: int,
                    generated_at: datetime, today: date, request_: Any = None) -> bytes:
    """`document` as read `today` (its dated sections built for that day), which the PDF
    gives as its date of issue."""
    body = render_template("explainer/pdf.html", doc=document, reference=reference,
                           version=version, generated_at=generated_at, today=today,
                           request_=request_, legal_only=LEGAL_ONLY)
    return render(page(document.title, Markup(body),  # noqa: S704 - rendered by Jinja, escaped
                       footer=f"Explicite — référence {reference}", issued_on=today))
