"""A custom template cannot spend the shared explainer's time or memory (issue 11: nested
loops ran unbounded, and a format width of 400,000,000 reached 2.1 GB before the output cap)."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from services.explainer.domain.explanation import build_document
from services.explainer.domain.template_context import template_context
from services.explainer.domain.templates import (
    BrokenTemplate,
    CustomTemplate,
    apply,
    check_sources,
)
from tests.unit.explainer.cases import case, sample
from tests.unit.explainer.test_templates import FAMILY

BIG = "{% set big = 'x' * 20000 %}"
HOSTILE = {
    "nested loops without output": "{% for a in range(1000) %}{% for b in range(1000) %}"
                                   "{% for c in range(1000) %}{% endfor %}{% endfor %}"
                                   "{% endfor %}x",
    "a format width": "{{ '%400000000d' % 1 }}",
    "a format precision": "{{ '%.400000000f' % 1 }}",
    "a width given apart": "{{ '%*d' % (400000000, 1) }}",
    "a format filter": "{{ '%400000000s'|format('x') }}",
    "str.format": "{{ '{:400000000}'.format(1) }}",
    "padding": "{{ 'x'.ljust(400000000) }}",
    "a centring filter": "{{ 'x'|center(400000000) }}",
    "a replacement": BIG + "{{ big|replace('x', big) }}",
    "a join": BIG + "{{ big|join(big) }}",
    "joined copies": BIG + "{{ [big] * 1000|join }}",
    "concatenations": BIG + "{{ big ~ big ~ big ~ big ~ big ~ big ~ big ~ big }}",
    "many slices": BIG + "{% set c = [" + ", ".join(["big[1:]"] * 200) + "] %}ok",
    "a batch": "{{ [1]|batch(400000000, 0)|list }}",
    "growing numbers": "{% set a = 10 ** 1 %}x",
    "squared numbers": "{% set a = 9999999999 %}" + "".join(
        "{% set a = a * a %}" for _ in range(40)) + "{{ a }}",
    "a recursive loop": "{% for a in range(2) recursive %}{{ loop(range(2)) }}{% endfor %}",
    "a recursive macro": "{% macro m(n) %}{% for i in range(1000) %}{{ m(n) }}{% endfor %}"
                         "{% endmacro %}{{ m(1) }}",
    "many filters": BIG + "{{ big" + "|upper|lower" * 400 + " }}",
}


def _document_and_context():
    creche = case(sample("creche-attribution"), FAMILY)
    return build_document(creche), template_context(creche, creche.decided_on)


def _refused(source: str) -> None:
    document, context = _document_and_context()
    template = CustomTemplate(1, 1, {"what_if": source})
    with pytest.raises(BrokenTemplate):
        if check_sources(template.sections):
            raise BrokenTemplate("refused at registration")
        apply(template, document, context)


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_template_fails_fast_and_small(source: str):
    started = time.perf_counter()
    _refused(source)
    elapsed = time.perf_counter() - started
    tracemalloc.start()  # measured apart: tracing slows Python down several times
    try:
        _refused(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1 and peak < 50 * 2**20, (elapsed, peak)


def test_ordinary_templates_keep_working():
    document, context = _document_and_context()
    source = ("{% for piste in what_if %}- {{ piste.outcome|lower }} avec {{ piste.required }}"
              " ({{ '%.1f'|format(1.25) }} {{ 'a,b'.split(',')|join(' et ') }})\n{% endfor %}"
              "{{ ('Votre' ~ ' dossier')|center(20)|trim }} {{ 1234.5|nombre(1) }}")
    rendered = apply(CustomTemplate(1, 1, {"what_if": source}), document, context)
    text = " ".join(" ".join(b.lines()) for b in rendered.section("what_if").blocks)
    assert "place en crèche proposée avec 700 €" in text
    assert "1.2 a et b" in text and "Votre dossier 1 234,5" in text
