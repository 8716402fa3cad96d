"""The register's CSV cannot carry a formula to the spreadsheet that opens it (issue 11: a
leading tab slipped past the guard)."""

from __future__ import annotations

import csv
import io

from services.decision_log.entrypoints.web import create_app
from services.decision_log.service_layer.registry import register_algorithm
from tests.support import builders


def test_no_cell_starts_a_formula_even_behind_a_tab(decision_log):
    hostile = builders.algorithm(
        id="formules",
        name='\t=HYPERLINK("http://x")',
        purpose="\t+1+1",
        responsible_service={
            **builders.algorithm()["responsible_service"],
            "name": "@SUM(A1)",
            "email": "=cmd@ville-test.fr",
        },
    )
    with decision_log.uow() as uow:
        register_algorithm(uow, hostile, administration=builders.ADMINISTRATION, by="test")
        uow.commit()
    app = create_app(decision_log.settings, decision_log)
    text = app.test_client().get("/register/algorithms.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["id"] == "formules")
    assert row["name"].startswith("'\t=") and row["purpose"].startswith("'\t+")
    assert row["responsible_service"] == "'@SUM(A1)"
    assert row["contact_email"] == "'=cmd@ville-test.fr"
    assert all(cell[:1] not in "=+-@\t\r" for r in rows for cell in r.values() if cell)
