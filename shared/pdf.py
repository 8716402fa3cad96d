"""Accessible PDF documents (WeasyPrint, PDF/UA-1), for explanations and letters.

Why WeasyPrint and not fpdf2 (used before): fpdf2 2.8 tags only images and links, so its text
has no structure a screen reader can follow; WeasyPrint turns semantic HTML into a tagged PDF
(structure tree with headings, paragraphs, lists and tables in reading order), with the
document's language and title, embedded font subsets, and declares PDF/UA-1. It needs Pango
from Debian (libpango-1.0-0, libpangoft2-1.0-0) and the DejaVu fonts (fonts-dejavu-core):
`make run`, `make test` and the Docker image install them.

WeasyPrint is imported on first use: it takes about a second, and only PDF requests need it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from markupsafe import Markup, escape

from shared.french import format_date

# The left margin of @page below: `Document`'s placed lines are given from the page's edge.
LEFT_MARGIN_MM = 20

# One stylesheet for every PDF: A4, DejaVu Sans (embedded), page numbers in the footer.
CSS = """
@page { size: A4; margin: 18mm 20mm 20mm;
        @bottom-center { content: FOOTER "page " counter(page) "/" counter(pages);
                         font: 8pt "DejaVu Sans", sans-serif; color: #333; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.45; color: #111; }
header.top { font-size: 8.5pt; margin-bottom: 4mm; }
header.top p { margin: 0; }
h1 { font-size: 16pt; margin: 0 0 3mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
p { margin: 0 0 2mm; }
ul, ol { margin: 0 0 2mm; padding-left: 6mm; }
li { margin: 0 0 1mm; }
li, tr, blockquote { break-inside: avoid; }
.outcome { font-weight: bold; font-size: 11.5pt; }
.essential { border: 1.5pt solid #1f4e99; padding: 1mm 4mm 2mm; margin: 2mm 0 4mm; }
.notice { font-weight: bold; }
dl { margin: 0 0 3mm; }
dt { font-weight: bold; break-after: avoid; }
dd { margin: 0 0 1.5mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm; font-size: 9pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 1mm; }
th, td { border: 0.5pt solid #777; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
blockquote { margin: 2mm 0; padding: 1mm 4mm; border-left: 2pt solid #777; }
.issued { font-size: 8.5pt; color: #333; margin-top: 6mm; }
.before-title { font-size: 10.5pt; margin: 0 0 6mm; }
.before-title p { margin: 0; }
.kept { break-inside: avoid; margin-top: 6mm; }
"""


def page(title: str, body: str | Markup, *, footer: str = "", issued_on: date) -> str:
    """A complete HTML document for `render`: language, title, date of issue, footer."""
    # A CSS string: the footer is drawn in the page margin, outside the tagged content.
    footer_css = '"' + "".join(ch if ch.isalnum() or ch in " -—.,:'" else f"\\{ord(ch):x} "
                               for ch in footer) + ("  —  " if footer else "") + '"'
    css = CSS.replace("FOOTER", footer_css)
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>"
            f'<meta name="author" content="Explicite">'
            f'<meta name="dcterms.created" content="{issued_on.isoformat()}">'
            f"<style>{css}</style></head><body>{body}</body></html>")


def render(html: str) -> bytes:
    """A tagged PDF/UA-1 document from a complete HTML page (see `page`)."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))


class Document:
    """A simple A4 document: a title, headings, paragraphs, facts and lists, with page numbers.

    Built as semantic HTML, so that the PDF is tagged in reading order.
    """

    def __init__(self, title: str, *, header: Sequence[str] = (), footer: str = "",
                 before_title: Sequence[tuple[str, float | None]] = (),
                 issued_on: date | None = None) -> None:
        """`before_title`: lines between the header and the title, each at its own left
        position in mm from the page's edge (None: the margin), such as a letter's addressee
        block; an empty line leaves a gap."""
        self._title, self._footer = title, footer
        self._issued_on = issued_on or date.today()
        self._parts: list[str] = []
        self._kept: list[str] | None = None
        if header:
            lines = "".join(f"<p>{escape(line)}</p>" for line in header)
            self._parts.append(f'<header class="top">{lines}</header>')
        if before_title:
            self._parts.append(_placed(before_title))
        self._parts.append(f"<h1>{escape(title)}</h1>")

    def _add(self, html: str) -> None:
        (self._parts if self._kept is None else self._kept).append(html)

    def heading(self, text: str) -> None:
        self._add(f"<h2>{escape(text)}</h2>")

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        """A paragraph; its line breaks are kept (a signature's lines). An empty text adds
        nothing: spacing is the stylesheet's."""
        if not text.strip():
            return
        inner = Markup("<br>").join(escape(line) for line in text.split("\n"))
        self._add(f"<p><strong>{inner}</strong></p>" if bold else f"<p>{inner}</p>")

    def facts(self, pairs: Iterable[tuple[str, str]]) -> None:
        items = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>"
                        for label, value in pairs)
        self._add(f"<dl>{items}</dl>")

    def bullets(self, items: Iterable[str]) -> None:
        self._add("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")

    def keep_together(self) -> None:
        """What follows, to the end, stays on one page (a letter's signature block): it
        starts a new page unless it fits on this one."""
        if self._kept is None:
            self._kept = []

    def to_bytes(self) -> bytes:
        parts = list(self._parts)
        if self._kept:
            parts.append(f'<div class="kept">{"".join(self._kept)}</div>')
        issued = (f'<p class="issued">Document édité le {format_date(self._issued_on)}.</p>')
        body = "".join(parts) + issued
        return render(page(self._title, body, footer=self._footer, issued_on=self._issued_on))


def _placed(lines: Sequence[tuple[str, float | None]]) -> str:
    """Lines at their own left positions: each run of lines at one position is a paragraph,
    indented from the page's margin."""
    groups: list[tuple[float | None, list[str], bool]] = []
    gap = False
    for text, x in lines:
        if not text:
            gap = True
            continue
        if groups and groups[-1][0] == x and not gap:
            groups[-1][1].append(text)
        else:
            groups.append((x, [text], gap))
        gap = False
    html = []
    for number, (x, texts, after_gap) in enumerate(groups):
        indent = max(0.0, (x or LEFT_MARGIN_MM) - LEFT_MARGIN_MM)
        space = "5mm" if after_gap else "2mm" if number else "0"
        style = f"margin-left: {indent:g}mm; margin-top: {space}"
        html.append(f'<p style="{style}">'
                    + "<br>".join(str(escape(t)) for t in texts) + "</p>")
    return f'<div class="before-title">{"".join(html)}</div>'
