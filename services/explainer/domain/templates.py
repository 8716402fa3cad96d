"""Per-version wording chosen by an algorithm owner: sandboxed Jinja2 over the default document.

A custom template maps section keys to Jinja2 sources. Each source renders light markup
(paragraphs separated by a blank line, `- ` bulleted items, `1. ` numbered items, `! ` a
warning) that replaces the prose of its section; the section's title, its legal reference and
its table of the person's data stay. Sections cannot be removed, so no legal item can be lost.
A template that fails in any way is not applied: the caller falls back to the default wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from services.explainer.domain.document import (
    LIST,
    NOTICE,
    PARAGRAPH,
    STEPS,
    TABLE,
    Block,
    ExplanationDocument,
    Section,
)
from services.explainer.domain.explanation import ESSENTIAL, SECTION_KEYS
from services.explainer.domain.wording import points
from shared.french import format_amount, format_date, format_number

OUTCOME = "outcome"
# « L'essentiel » keeps the default wording: the first screen must always hold the result, the
# reason with its figures, the dated next step and the contact, in at most 90 words.
TEMPLATE_KEYS = (OUTCOME, *(key for key in SECTION_KEYS if key != ESSENTIAL))
MAX_SOURCE = 10_000
MAX_OUTPUT = 20_000
MAX_RANGE = 1_000
_NUMBERED = re.compile(r"^\d+\.\s+")


class BrokenTemplate(Exception):
    """The template cannot be used; the message says where and why, for its author."""


@dataclass(frozen=True)
class CustomTemplate:
    """One registered version of an algorithm version's wording."""

    template_id: int
    version: int
    sections: Mapping[str, str]

    @property
    def label(self) -> str:
        return f"custom:{self.template_id}:v{self.version}"


class _Sandbox(ImmutableSandboxedEnvironment):
    """Plain data only, read-only, and no way to build huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the power operator is not allowed in explanation templates")
        for sized, count in ((left, right), (right, left)):
            if isinstance(sized, str | list | tuple) and isinstance(count, int) \
                    and len(sized) * count > MAX_OUTPUT:
                raise SecurityError("this repetition would make the text too long")
        return super().call_binop(context, operator, left, right)


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE} items in explanation templates")
    return numbers


def _environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(autoescape=False, undefined=StrictUndefined, trim_blocks=True,
                   lstrip_blocks=True)
    env.globals = {"range": _range}
    filters: dict[str, Callable[..., str]] = {
        "montant": format_amount, "date": format_date, "nombre": format_number,
        "points": points}
    env.filters.update(filters)
    return env


_ENV = _environment()


def check_sources(sections: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors per section key: unknown keys, sizes, Jinja2 syntax (with its line)."""
    errors: dict[str, list[str]] = {}
    for key, source in sections.items():
        if key not in TEMPLATE_KEYS:
            errors[key] = [f"unknown section; one of: {', '.join(TEMPLATE_KEYS)}"]
        elif not isinstance(source, str) or not source.strip():
            errors[key] = ["must be a non-empty string"]
        elif len(source) > MAX_SOURCE:
            errors[key] = [f"is longer than {MAX_SOURCE} characters"]
        else:
            try:
                _ENV.from_string(source)
            except TemplateError as exc:
                errors[key] = [f"line {getattr(exc, 'lineno', '?')}: {exc.message or exc}"]
    return errors


def apply(template: CustomTemplate, document: ExplanationDocument,
          context: Mapping[str, Any]) -> ExplanationDocument:
    """The document with the template's wording; raises BrokenTemplate on any failure."""
    sections = list(rewrite_sections(template, document.sections, context))
    outcome = document.outcome
    if OUTCOME in template.sections:
        rendered = _render(OUTCOME, template.sections[OUTCOME], {**context, "default": outcome})
        outcome = " ".join(rendered.split())
        if not outcome:
            raise BrokenTemplate("outcome: renders an empty text")
    return replace(document, outcome=outcome, sections=tuple(sections))


def rewrite_sections(template: CustomTemplate, sections: Iterable[Section],
                     context: Mapping[str, Any]) -> Iterator[Section]:
    """The sections in the template's wording, those it does not rewrite as they are."""
    for section in sections:
        source = template.sections.get(section.key)
        yield section if source is None else _rewrite(section, source, context)


def _rewrite(section: Section, source: str, context: Mapping[str, Any]) -> Section:
    default = "\n\n".join("\n".join(b.lines()) for b in section.blocks if b.kind != TABLE)
    blocks = parse_markup(_render(section.key, source, {**context, "default": default}))
    if not blocks:
        raise BrokenTemplate(f"{section.key}: renders an empty text")
    tables = tuple(b for b in section.blocks if b.kind == TABLE)
    return replace(section, blocks=(*blocks, *tables))


def _render(key: str, source: str, context: Mapping[str, Any]) -> str:
    try:
        chunks = _ENV.from_string(source).generate(**context)
        return _bounded(chunks)
    except BrokenTemplate as exc:
        raise BrokenTemplate(f"{key}: {exc}") from exc
    except Exception as exc:  # anything a template does wrong must only cost its wording
        raise BrokenTemplate(f"{key}: {type(exc).__name__}: {exc}") from exc


def _bounded(chunks: Iterator[str]) -> str:
    text, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise BrokenTemplate(f"renders more than {MAX_OUTPUT} characters")
        text.append(chunk)
    return "".join(text)


def parse_markup(text: str) -> tuple[Block, ...]:
    """Paragraphs separated by blank lines; `- ` items, `1. ` numbered items, `! ` warnings."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    kind = ""

    def flush() -> None:
        nonlocal kind
        if paragraph:
            blocks.append(Block(PARAGRAPH, " ".join(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(Block(kind, items=tuple(items)))
            items.clear()
        kind = ""

    for raw in text.splitlines():
        line = " ".join(raw.split())
        numbered = _NUMBERED.match(line)
        if not line:
            flush()
        elif line.startswith("! "):
            flush()
            blocks.append(Block(NOTICE, line[2:].strip()))
        elif line.startswith("- ") or numbered:
            wanted = STEPS if numbered else LIST
            if paragraph or (items and kind != wanted):
                flush()
            kind = wanted
            items.append(line[numbered.end():] if numbered else line[2:].strip())
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return tuple(blocks)
