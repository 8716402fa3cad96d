"""Letters as PDF: the addressee where an envelope's window shows it, before the title; the
signature block never split from what it signs."""

from __future__ import annotations

import io

from pypdf import PdfReader

from services.appeals.adapters.pdf import letter_pdf
from services.appeals.domain import letters
from tests.unit.appeals.test_letters import case, outcome


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_the_addressee_block_comes_before_the_title_at_the_window():
    letter = letters.acknowledgement(case())
    first = _pages(letter_pdf(letter))[0]
    block = f"Léa Dubois 3 rue des Lilas 99100 Ville-Exemple {letter.place_date}"
    assert first.index(" ".join(letter.sender)) < first.index(block) < first.index(letter.title)


def test_the_signature_stays_on_one_page_with_the_contact():
    letter = letters.decision_letter(case(), outcome())
    pages = _pages(letter_pdf(letter))
    signature = " ".join(letter.signature)
    signed = [page for page in pages if signature in page]
    assert len(signed) == 1, pages
    assert letter.contact.split(".")[0] in signed[0]

