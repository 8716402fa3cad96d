"""Letters to the person as printable PDF documents."""

from __future__ import annotations

from services.appeals.domain.letters import Letter
from shared.pdf import Document


def letter_pdf(letter: Letter) -> bytes:
    document = Document(letter.title, header=letter.header, footer=letter.footer)
    for section in letter.sections:
        document.heading(section.heading)
        for paragraph in section.paragraphs:
            document.paragraph(paragraph)
        if section.facts:
            document.facts(section.facts)
        if section.bullets:
            document.bullets(section.bullets)
    return document.to_bytes()
