"""The explanation document: sections of plain French, frozen as JSON once generated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PARAGRAPH, LIST, STEPS, TABLE, NOTICE = "paragraph", "list", "steps", "table", "notice"


@dataclass(frozen=True)
class Block:
    """A paragraph, a notice, a bulleted or numbered list, or a table with a header row."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind in (PARAGRAPH, NOTICE):
            out["text"] = self.text
        elif self.kind in (LIST, STEPS):
            out["items"] = list(self.items)
        else:
            out["header"] = list(self.header)
            out["rows"] = [list(row) for row in self.rows]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        return cls(data["kind"], data.get("text", ""), tuple(data.get("items", ())),
                   tuple(data.get("header", ())),
                   tuple(tuple(row) for row in data.get("rows", ())))

    def shown(self) -> list[str]:
        """The block's words as a page shows them: a table's header once."""
        if self.kind == TABLE:
            return [" ; ".join(self.header), *(" ; ".join(row) for row in self.rows)]
        return self.lines()

    def lines(self) -> list[str]:
        """The block as lines of plain text, each one a sentence or a list item."""
        if self.kind in (PARAGRAPH, NOTICE):
            return [self.text]
        if self.kind == LIST:
            return [f"- {item}" for item in self.items]
        if self.kind == STEPS:
            return [f"{number}. {item}" for number, item in enumerate(self.items, 1)]
        return [" ; ".join(f"{name} : {value}" for name, value in zip(self.header, row,
                                                                      strict=True))
                for row in self.rows]


def paragraphs(*texts: str) -> list[Block]:
    return [Block(PARAGRAPH, text) for text in texts if text]


@dataclass(frozen=True)
class Section:
    """One part of the explanation, with the text of law it answers to."""

    key: str
    title: str
    legal: str
    blocks: tuple[Block, ...]
    # What the closed section of legal texts (and the printable version) adds to this part:
    # the full wording behind the short one of `blocks`, which is what the main view shows.
    details: tuple[Block, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "title": self.title, "legal": self.legal,
                               "blocks": [block.to_json() for block in self.blocks]}
        if self.details:
            out["details"] = [block.to_json() for block in self.details]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        return cls(data["key"], data["title"], data["legal"],
                   tuple(Block.from_json(b) for b in data["blocks"]),
                   tuple(Block.from_json(b) for b in data.get("details", ())))


@dataclass(frozen=True)
class ExplanationDocument:
    """What the person reads: the outcome in one sentence, then the sections in legal order."""

    title: str
    outcome: str
    facts: tuple[tuple[str, str], ...]
    mention: str
    sections: tuple[Section, ...]
    # The motif of an unfavourable decision, for the notice (L211-2, L211-5); None otherwise.
    motif: str | None = None
    # The day the dated sections were built for (ISO date): set by `at_reading`, not stored.
    read_on: str | None = None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title, "outcome": self.outcome,
            "facts": [{"label": label, "value": value} for label, value in self.facts],
            "mention": self.mention,
            "sections": [section.to_json() for section in self.sections]}
        if self.motif is not None:
            out["motif"] = self.motif
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExplanationDocument:
        return cls(data["title"], data["outcome"],
                   tuple((f["label"], f["value"]) for f in data["facts"]), data["mention"],
                   tuple(Section.from_json(s) for s in data["sections"]), data.get("motif"))

    def main_view(self, legal_only: tuple[str, ...]) -> str:
        """What the page shows outside its closed legal section: no `legal` line, no
        `details`, no section of `legal_only`, no mention (which is a legal text)."""
        lines = [self.title, self.outcome]
        lines += [f"{label} : {value}" for label, value in self.facts]
        for section in self.sections:
            if section.key not in legal_only:
                lines.append(section.title)
                lines += [line for block in section.blocks for line in block.shown()]
        return "\n".join(lines) + "\n"

    def plain_text(self) -> str:
        """The whole document as text: what the PDF prints and the readability score reads."""
        lines = [self.title, "", self.outcome, ""]
        lines += [f"{label} : {value}" for label, value in self.facts]
        for section in self.sections:
            lines += ["", section.title]
            for block in (*section.blocks, *section.details):
                lines += block.lines()
            if section.legal:
                lines.append(section.legal)
        lines += ["", "Mention figurant sur votre courrier", self.mention]
        return "\n".join(lines) + "\n"
