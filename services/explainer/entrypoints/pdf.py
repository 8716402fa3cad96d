"""The explanation as a PDF the person can keep, print or send."""

from __future__ import annotations

from services.explainer.domain.document import LIST, NOTICE, STEPS, TABLE, ExplanationDocument
from shared.pdf import Document
from shared.tlog.receipt import fingerprint


def explanation_pdf(document: ExplanationDocument, reference: str, version: int,
                    log_hash: str | None = None) -> bytes:
    pdf = Document(document.title,
                   header=[f"Référence : {reference}", f"Version {version} de l'explication",
                           *([f"Empreinte dans le journal public : {fingerprint(log_hash)}"]
                             if log_hash else [])],
                   footer=f"Explicite — référence {reference}")
    pdf.paragraph(document.outcome, bold=True)
    pdf.facts(document.facts)
    for section in document.sections:
        pdf.heading(section.title)
        for block in section.blocks:
            if block.kind == LIST:
                pdf.bullets(block.items)
            elif block.kind == STEPS:
                pdf.bullets(f"{n}. {item}" for n, item in enumerate(block.items, 1))
            elif block.kind == TABLE:
                pdf.bullets(block.lines())
            else:
                pdf.paragraph(block.text, bold=block.kind == NOTICE)
        pdf.paragraph(section.legal)
    pdf.heading("La mention figurant sur votre courrier")
    pdf.paragraph(document.mention)
    return pdf.to_bytes()
