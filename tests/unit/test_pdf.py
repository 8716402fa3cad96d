"""shared.pdf's Document: lines placed before the title, and a block kept on one page."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from shared.pdf import Document

BLOCK = [f"Ligne {n} du bloc signé" for n in range(1, 11)]


def _pages(document: Document) -> list[str]:
    reader = PdfReader(io.BytesIO(document.to_bytes()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _letter(fillers: int, *, kept: bool) -> Document:
    document = Document("Titre", header=["Expéditeur"], footer="Pied",
                        before_title=[("Destinataire", 110), ("", None), ("Réf. 1", None)],
                        issued_on=date(2026, 11, 2))
    for n in range(fillers):
        document.paragraph(f"Paragraphe {n} qui remplit la page.")
    if kept:
        document.keep_together()
    document.paragraph("\n".join(BLOCK))
    return document


def test_the_placed_lines_come_between_the_header_and_the_title():
    first = _pages(_letter(1, kept=True))[0]
    assert first.index("Expéditeur") < first.index("Destinataire") < first.index("Réf. 1") \
        < first.index("Titre")


def test_a_kept_block_moves_whole_to_the_next_page_instead_of_splitting():
    whole = " ".join(BLOCK)
    split = False
    # Wherever the page ends, the kept block is on one page; without keep_together, some of
    # these lengths split it.
    for fillers in range(28, 48, 3):
        assert sum(whole in page for page in _pages(_letter(fillers, kept=True))) == 1, fillers
        split = split or not any(whole in page for page in _pages(_letter(fillers, kept=False)))
    assert split
