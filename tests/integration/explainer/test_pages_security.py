"""The person's pages against hostile input: never a 500 (issue 11)."""

from __future__ import annotations

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
