"""The person's pages against hostile input: never a 500 (issue 11)."""

from __future__ import annotations

import time

import pytest

from services.explainer.entrypoints.pages import linkify
from tests.integration.explainer.conftest import (
    Harness,
    Logged,
    decision_of,
    open_decision,
    registered,
    sample,
)


def test_a_version_no_database_column_holds_is_ignored_not_a_500(client, harness: Harness):
    logged = Logged(decision_of("creche-attribution", favourable=False))
    harness.publish(registered(sample("creche-attribution")), logged.event())
    assert open_decision(client, logged.reference, logged.access_code).status_code == 303
    for version in ("9223372036854775808", "2147483648", "-1", "abc"):
        page = client.get(f"/d/{logged.reference}?version={version}")
        assert page.status_code == 200, (version, page.status_code)
    assert client.get(f"/d/{logged.reference}?version=7").status_code == 404


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 60_000,
        "http://" + "." * 60_000,
        "www." + "-" * 60_000,
        "x@" + "a" * 60_000,
        ("a." * 30_000) + "@",
        "@" * 60_000,
    ],
)
def test_finding_links_takes_a_time_linear_in_the_text(hostile: str):
    started = time.perf_counter()
    linkify(hostile)
    assert time.perf_counter() - started < 0.2


def test_links_are_still_found_and_everything_else_escaped():
    html = str(linkify("Écrivez à contact@ville.fr ou voyez https://ville.fr/aide. <b>x</b>"))
    assert '<a href="mailto:contact@ville.fr">contact@ville.fr</a>' in html
    assert '<a href="https://ville.fr/aide">https://ville.fr/aide</a>.' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_a_paragraph_is_linkified_once_per_process_and_markup_never_shares_its_entry():
    from markupsafe import Markup

    from services.explainer.entrypoints.pages import _linkified

    text = "Voyez www.cada.fr <b>ici</b> (paragraphe commun à toutes les pages)."
    first = linkify(text)
    hits = _linkified.cache_info().hits
    assert linkify(text) == first and _linkified.cache_info().hits == hits + 1
    assert "&lt;b&gt;ici&lt;/b&gt;" in first
    # The same characters, already safe: not escaped again, and not the plain string's entry.
    assert "<b>ici</b>" in linkify(Markup(text))  # noqa: S704 - a constant of the test
    assert "&lt;b&gt;" in linkify(text)
