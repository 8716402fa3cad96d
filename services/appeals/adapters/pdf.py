"""Letters to the person as printable PDF documents, laid out as French letters: the sender
at the top left, the addressee where an envelope's window shows it, the place and date."""

from __future__ import annotations

from services.appeals.domain.letters import Letter
from shared.pdf import Document

# Where a standard window envelope (DL, window on the right) shows the address, in mm.
_ADDRESS_X = 110


def letter_pdf(letter: Letter) -> bytes:
    document = Document(letter.title, header=letter.sender, footer=letter.reference,
                        before_title=_addressee_block(letter))
    document.paragraph(letter.summary, bold=True)
    for section in letter.sections:
        document.heading(section.heading)
        for paragraph in section.paragraphs:
            document.paragraph(paragraph)
        if section.facts:
            document.facts(section.facts)
        if section.bullets:
            document.bullets(section.bullets)
    document.keep_together()
    document.paragraph("\n".join(letter.signature))
    document.paragraph(letter.contact)
    return document.to_bytes()


def _addressee_block(letter: Letter) -> list[tuple[str, float | None]]:
    return [*((line, _ADDRESS_X) for line in letter.addressee), ("", None),
            (letter.place_date, _ADDRESS_X), (letter.reference, None)]
