"""Custom wording: sandboxed, limited, never able to drop a legal item or break an explanation."""

import logging

import pytest

from services.explainer.domain.document import LIST, NOTICE, PARAGRAPH, STEPS, Block
from services.explainer.domain.explanation import DEFAULT_TEMPLATE, build_document
from services.explainer.domain.template_context import template_context
from services.explainer.domain.templates import (
    MAX_OUTPUT,
    BrokenTemplate,
    CustomTemplate,
    apply,
    check_sources,
    parse_markup,
)
from services.explainer.service_layer.generation import compose
from tests.unit.explainer.cases import case, plain, sample, section_text

FAMILY = {"quotient_familial": 1180, "parent_isole": False, "activite_parents": True,
          "fratrie_creche": True, "handicap_enfant": False, "anciennete_demande_mois": 8}
WHAT_IF = """Voici ce qui aurait changé la réponse de la commission.
{% for piste in what_if if piste.kind == "change" %}
- Avec un quotient familial de {{ piste.required }} au lieu de {{ piste.current }}, \
votre demande aurait obtenu : {{ piste.outcome|lower }}.
{% endfor %}"""


def _apply(sections: dict[str, str]):
    creche = case(sample("creche-attribution"), FAMILY)
    document = build_document(creche)
    return document, apply(CustomTemplate(1, 1, sections), document,
                           template_context(creche, creche.decided_on))


def test_a_template_rewrites_the_prose_of_a_section_with_the_persons_figures():
    default, custom = _apply({"what_if": WHAT_IF})
    assert section_text(custom, "what_if") == [
        "Voici ce qui aurait changé la réponse de la commission.",
        "- Avec un quotient familial de 700 € au lieu de 1 180 €, votre demande aurait obtenu "
        ": place en crèche proposée.",
    ]
    what_if = custom.section("what_if")
    assert (what_if.title, what_if.legal) == (default.section("what_if").title,
                                              default.section("what_if").legal)
    assert [s.key for s in custom.sections] == [s.key for s in default.sections]
    assert custom.section("recourse") == default.section("recourse")


def test_the_data_table_stays_whatever_the_template_says():
    _default, custom = _apply({"data": "Vos informations, telles que la CAF les donne."})
    kinds = [b.kind for b in custom.section("data").blocks]
    assert kinds == ["paragraph", "table"]


def test_the_default_text_and_the_outcome_can_be_reused():
    default, custom = _apply({
        "outcome": "{{ decision.date }} : {{ decision.outcome|lower }} ({{ reference }}).",
        "recourse": "{{ default }}\n\n! Pensez à joindre votre avis d'imposition."})
    assert plain(custom.outcome) == ("2 novembre 2026 : place en crèche non proposée "
                                     "(D-7K2QM-4XR9T).")
    recourse = custom.section("recourse")
    assert recourse.blocks[0] == Block(LIST, items=(
        "Recours gracieux au maire de Ville-Exemple : au plus tard le 2 janvier 2027. Il arrête "
        "le délai pour aller devant le juge, qui recommence à la réponse, ou après 2 mois sans "
        "réponse.",
        "Ou directement, dans le même délai, le tribunal administratif dont relève "
        "Ville-Exemple."))
    assert recourse.blocks[-1] == Block(NOTICE, "Pensez à joindre votre avis d'imposition.")
    # The full wording in the closed section of legal texts stays the default one.
    assert recourse.details == default.section("recourse").details != ()


@pytest.mark.parametrize(("source", "why"), [
    ("{{ nowhere }}", "UndefinedError"),
    ("{{ ''.__class__.__mro__ }}", "SecurityError"),
    ("{{ reference.__class__ }}", "SecurityError"),
    ("{{ 'x' * 100000 }}", "too long"),
    ("{{ 2 ** 100000 }}", "power"),
    ("{% for i in range(100000) %}x{% endfor %}", "range"),
    ("{% for i in range(1000) %}{% for j in range(1000) %}xyz{% endfor %}{% endfor %}",
     f"more than {MAX_OUTPUT}"),
    ("{{ criteria.append(1) }}", "SecurityError"),
    ("   ", "empty"),
])
def test_a_template_that_misbehaves_is_refused_with_its_reason(source, why):
    with pytest.raises(BrokenTemplate, match=why):
        _apply({"contribution": source})


def test_sources_are_checked_before_being_stored():
    errors = check_sources({"nowhere": "x", "data": "{% for %}", "what_if": "",
                            "contest": "x" * 20_000, "outcome": "Bien."})
    assert set(errors) == {"nowhere", "data", "what_if", "contest"}
    assert errors["data"][0].startswith("line 1:")
    assert "unknown section" in errors["nowhere"][0]


def test_a_broken_template_costs_only_its_wording_and_is_logged(caplog):
    creche = case(sample("creche-attribution"), FAMILY)
    with caplog.at_level(logging.WARNING):
        document, label = compose(creche, CustomTemplate(4, 2, {"what_if": "{{ oops() }}"}))
    assert label == DEFAULT_TEMPLATE
    assert document == build_document(creche)
    assert "custom template failed, default wording used" in caplog.text
    working, label = compose(creche, CustomTemplate(4, 3, {"what_if": "Rien à changer."}))
    assert label == "custom:4:v3" and section_text(working, "what_if") == ["Rien à changer."]


def test_markup_gives_paragraphs_lists_numbered_steps_and_warnings():
    assert parse_markup("Un paragraphe\nsur deux lignes.\n\n- un\n- deux\n1. premier\n"
                        "2. second\n! Attention.\nFin.") == (
        Block(PARAGRAPH, "Un paragraphe sur deux lignes."),
        Block(LIST, items=("un", "deux")),
        Block(STEPS, items=("premier", "second")),
        Block(NOTICE, "Attention."),
        Block(PARAGRAPH, "Fin."),
    )
