"""Printable letters and documents as PDF (fpdf2), for explanations and acknowledgements.

The PDF core fonts need no font file on the machine; with the Windows-1252 encoding they
cover French (é, œ, €, « », ’). The few characters outside it are mapped to near twins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fpdf import FPDF

_ENCODING = "windows-1252"
_TWINS = str.maketrans({"\u202f": "\u00a0", "\u2011": "-", "\u2212": "-", "\u2009": " "})


def _printable(text: str) -> str:
    text = text.translate(_TWINS)
    return text.encode(_ENCODING, "replace").decode(_ENCODING)


class Document:
    """An A4 document: a title, headings, paragraphs, facts and lists, with page numbers."""

    def __init__(self, title: str, *, header: Sequence[str] = (), footer: str = "",
                 before_title: Sequence[tuple[str, float | None]] = ()) -> None:
        """`before_title`: lines between the header and the title, each at its own left
        position in mm (None: the margin), such as a letter's addressee block."""
        footer_text = _printable(footer)
        pdf = FPDF(format="A4")
        pdf.core_fonts_encoding = _ENCODING
        pdf.set_title(_printable(title))
        pdf.set_author("Explicite")
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_margins(20, 18, 20)
        pdf.alias_nb_pages()

        def page_footer() -> None:
            pdf.set_y(-14)
            pdf.set_font("helvetica", size=8)
            pdf.cell(0, 6, _printable(f"{footer_text}  —  page {pdf.page_no()}/{{nb}}"),
                     align="C")

        pdf.footer = page_footer  # type: ignore[method-assign]
        pdf.add_page()
        self._pdf = pdf
        if header:
            pdf.set_font("helvetica", size=9)
            for line in header:
                pdf.cell(0, 5, _printable(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        if before_title:
            pdf.set_font("helvetica", size=10.5)
            for line, x in before_title:
                pdf.set_x(x if x is not None else pdf.l_margin)
                pdf.cell(0, 5, _printable(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        pdf.set_font("helvetica", style="B", size=16)
        pdf.multi_cell(0, 8, _printable(title), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def heading(self, text: str) -> None:
        self._pdf.ln(2)
        self._pdf.set_font("helvetica", style="B", size=12)
        self._pdf.multi_cell(0, 6, _printable(text), new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(1)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        self._pdf.set_font("helvetica", style="B" if bold else "", size=10.5)
        self._pdf.multi_cell(0, 5.5, _printable(text), new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(1.5)

    def facts(self, pairs: Iterable[tuple[str, str]]) -> None:
        for label, value in pairs:
            self._pdf.set_font("helvetica", style="B", size=10.5)
            self._pdf.multi_cell(0, 5.5, _printable(label), new_x="LMARGIN", new_y="NEXT")
            self._pdf.set_font("helvetica", size=10.5)
            self._pdf.multi_cell(0, 5.5, _printable(value), new_x="LMARGIN", new_y="NEXT")
            self._pdf.ln(1)

    def bullets(self, items: Iterable[str]) -> None:
        self._pdf.set_font("helvetica", size=10.5)
        for item in items:
            self._pdf.multi_cell(0, 5.5, _printable(f"•  {item}"), new_x="LMARGIN",
                                 new_y="NEXT")
        self._pdf.ln(1.5)

    def keep_together(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one (a signature block)."""
        if self._pdf.get_y() + height > self._pdf.page_break_trigger:
            self._pdf.add_page()

    def to_bytes(self) -> bytes:
        return bytes(self._pdf.output())
