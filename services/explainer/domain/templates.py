"""Per-version wording chosen by an algorithm owner: sandboxed Jinja2 over the default document.

A custom template maps section keys to Jinja2 sources. Each source renders light markup
(paragraphs separated by a blank line, `- ` bulleted items, `1. ` numbered items, `! ` a
warning) that replaces the prose of its section; the section's title, its legal reference and
its table of the person's data stay. Sections cannot be removed, so no legal item can be lost.
A template that fails in any way is not applied: the caller falls back to the default wording.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, cast

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

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
# How much one rendering may spend besides its output (a template runs for every explanation
# of its version, in the explainer all administrations share): loop turns in all, characters
# or items built in all, a format's width or precision, the size of a number, and time.
MAX_ITERATIONS = 10_000
MAX_BUILT = 1_000_000
MAX_WIDTH = 100
MAX_INT_BITS = 4_096
TIME_BUDGET = 0.25
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


class _Budget:
    """What one rendering may still spend: loop turns, values built, time."""

    def __init__(self) -> None:
        self.turns = MAX_ITERATIONS
        self.built = MAX_BUILT
        self.deadline = time.monotonic() + TIME_BUDGET

    def turn(self) -> None:
        self.turns -= 1
        if self.turns < 0:
            raise SecurityError(f"loops may turn {MAX_ITERATIONS} times in all")
        self.in_time()

    def spend(self, value: Any) -> Any:
        size = len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0
        if size > MAX_OUTPUT:
            raise SecurityError(f"builds a value of more than {MAX_OUTPUT} characters or items")
        self.built -= size
        if self.built < 0:
            raise SecurityError(f"builds more than {MAX_BUILT} characters or items in all")
        self.in_time()
        return value

    def in_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise SecurityError(f"takes more than {TIME_BUDGET} s to render")


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _spent(value: Any) -> Any:
    """Count a value the template built against the rendering's budget."""
    budget = _BUDGET.get()
    return value if budget is None else budget.spend(value)


def _each(iterable: Any) -> Iterator[Any]:
    """Every loop of a template iterates through this: each turn counts."""
    budget = _BUDGET.get()
    for item in iterable:
        if budget is not None:
            budget.turn()
        yield item


def _slice(value: Any, start: Any, stop: Any, step: Any) -> Any:
    return _spent(value[slice(start, stop, step)])


def _concat(*parts: Any) -> str:
    """The `~` operator, whose result counts like any other value built."""
    if sum(len(part) if isinstance(part, str) else 0 for part in parts) > MAX_OUTPUT:
        raise SecurityError(f"builds a value of more than {MAX_OUTPUT} characters or items")
    return str(_spent("".join(map(str, parts))))


# printf-style and str.format conversions, with their width and precision.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")
# Filters whose numbers are widths or counts (padding, wrapping, batches, decimals).
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "batch", "slice", "round",
                            "nombre", "truncate"})
# String methods that pad, format or multiply: the filters do it, within bounds.
_STRING_METHODS_REFUSED = frozenset({"format", "format_map", "ljust", "rjust", "center",
                                     "zfill", "expandtabs", "join", "replace"})


def _check_format(text: str) -> None:
    for width, precision in _PRINTF.findall(text):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_WIDTH):
                raise SecurityError(f"a format's width and precision are at most {MAX_WIDTH}")


def _check_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a filter call that would build a huge value, before it runs."""
    values = [*args, *kwargs.values()]
    if name in _WIDTH_FILTERS and any(
            isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_WIDTH
            for v in values[1:]):
        raise SecurityError(f"{name}: widths and counts are at most {MAX_WIDTH}")
    if name == "format" and values and isinstance(values[0], str):
        _check_format(values[0])
    if name == "replace" and len(values) >= 3 and all(isinstance(v, str) for v in values[:3]):
        text, old, new = values[:3]
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * max(0, len(new) - len(old)) > MAX_OUTPUT:
            raise SecurityError(f"replace would build more than {MAX_OUTPUT} characters")


def _checked_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    passes = getattr(function, "jinja_pass_arg", None)

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        given = args[1:] if passes is not None else args  # after the context or environment
        if name == "join" and given:
            items = [str(item) for item in _each(given[0])]
            separator = str(given[1] if len(given) > 1 else kwargs.get("d", ""))
            if sum(map(len, items)) + len(separator) * len(items) > MAX_OUTPUT:
                raise SecurityError(f"join would build more than {MAX_OUTPUT} characters")
            args = (*args[:len(args) - len(given)], items, *given[1:])
        _check_filter(name, given, kwargs)
        return _spent(function(*args, **kwargs))

    return checked


class _Bounds(NodeTransformer):
    """Every loop turns through `_each`, every `~` through `_concat`, every slice through
    `_slice`; no recursive loop (each turn of one could open as many more)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        loop = cast(nodes.For, self.generic_visit(node))
        if loop.recursive:
            raise TemplateSyntaxError("recursive loops are not allowed in explanation "
                                      "templates", loop.lineno)
        loop.iter = nodes.Call(nodes.Name("_each", "load"), [loop.iter], [], None, None,
                               lineno=loop.lineno)
        return loop

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        concat = cast(nodes.Concat, self.generic_visit(node))
        return nodes.Call(nodes.Name("_concat", "load"), concat.nodes, [], None, None,
                          lineno=concat.lineno)

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Node:
        """Jinja slices in Python directly; a slice is a copy, counted by `_slice`."""
        item = cast(nodes.Getitem, self.generic_visit(node))
        if not isinstance(item.arg, nodes.Slice):
            return item
        bounds = [part or nodes.Const(None) for part in
                  (item.arg.start, item.arg.stop, item.arg.step)]
        return nodes.Call(nodes.Name("_slice", "load"), [item.node, *bounds], [], None, None,
                          lineno=item.lineno)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Plain data only, read-only, and no way to build huge values or to run for long.

    Jinja's sandbox keeps a template from reaching Python's internals, not from spending the
    worker's memory and time: here every loop turn, every value an operator, a method, a
    filter or a slice builds, and the clock are counted against the rendering's budget, and
    operations that would build a huge value at once (a format width of 400,000,000, a
    repetition, a replacement) are refused before they run.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = _Bounds().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return cast(nodes.Template, tree)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the power operator is not allowed in explanation templates")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, str | list | tuple) and isinstance(count, int) \
                        and len(sized) * count > MAX_OUTPUT:
                    raise SecurityError("this repetition would make the text too long")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError("numbers in explanation templates stay reasonable")
        if operator == "%" and isinstance(left, str):
            _check_format(left)
        return _spent(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        return _spent(super().call(__context, __obj, *args, **kwargs))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _STRING_METHODS_REFUSED:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        """No str.format at all (is_safe_attribute refuses it): the `format` filter and `%`
        do the same, with their widths checked."""
        return None


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE} items in explanation templates")
    return numbers


def _environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(autoescape=False, undefined=StrictUndefined, trim_blocks=True,
                   lstrip_blocks=True)
    env.globals = {"range": _range, "_each": _each, "_concat": _concat, "_slice": _slice}
    filters: dict[str, Callable[..., str]] = {
        "montant": format_amount, "date": format_date, "nombre": format_number,
        "points": points}
    env.filters.update(filters)
    env.filters = {name: _checked_filter(name, function)
                   for name, function in env.filters.items()}
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
            except RecursionError:
                errors[key] = ["nests expressions too deeply"]
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
    budget = _Budget()
    token = _BUDGET.set(budget)
    try:
        chunks = _ENV.from_string(source).generate(**context)
        return _bounded(chunks, budget)
    except BrokenTemplate as exc:
        raise BrokenTemplate(f"{key}: {exc}") from exc
    except Exception as exc:  # anything a template does wrong must only cost its wording
        raise BrokenTemplate(f"{key}: {type(exc).__name__}: {exc}") from exc
    finally:
        _BUDGET.reset(token)


def _bounded(chunks: Iterator[str], budget: _Budget) -> str:
    text, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise BrokenTemplate(f"renders more than {MAX_OUTPUT} characters")
        budget.in_time()
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
