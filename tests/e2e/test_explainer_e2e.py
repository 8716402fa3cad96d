"""The explainer end to end on RabbitMQ and PostgreSQL: a back office publishes a decision, the
person opens its explanation with the reference and code printed on the letter."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from services.explainer.adapters import tables as t
from services.explainer.domain.readability import THRESHOLD
from shared.french import PARIS, format_amount, format_date
from shared.samples import generate_decisions
from shared.web.security import CSRF_FIELD

pytestmark = pytest.mark.infra
NBSP = re.compile("[\u00a0\u202f]")


def _refused(algorithm_id: str, seed: int) -> dict[str, Any]:
    return next(
        d
        for d in generate_decisions(60, seed=seed)
        if d["algorithm"]["id"] == algorithm_id and not d["outcome"]["favourable"]
    )


def _token(browser: Any, path: str = "/") -> str:
    page = browser.get(path).get_data(as_text=True)
    return re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page).group(1)


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).replace("&#39;", "'")
    return " ".join(NBSP.sub(" ", page).split())


def _open(browser: Any, reference: str, code: str) -> Any:
    return browser.post(
        "/", data={CSRF_FIELD: _token(browser), "reference": reference, "code": code}
    )


def test_a_published_decision_is_explained_and_opened_with_the_letters_code(running_system):
    back_office = running_system.back_offices["ville-exemple"]
    decision = _refused("creche-attribution", seed=int(datetime.now().timestamp()) % 10_000)
    published = back_office.publish([decision])
    assert published.confirmed and not published.failed
    logged = back_office.wait_event(
        "decision.logged", lambda d: d["decision"]["decision_id"] == decision["decision_id"]
    )
    reference, code = logged["reference"], logged["access_code"]
    generated = back_office.wait_event(
        "explanation.generated", lambda d: d["decision_id"] == decision["decision_id"]
    )
    assert generated["reference"] == reference
    assert generated["public_url"] == f"http://explicite.test/d/{reference}"
    assert reference in generated["mention_explicite"]
    assert "Commission d'accès aux documents administratifs" in generated["mention_explicite"]
    assert generated["readability"]["score"] >= THRESHOLD

    browser = running_system.browser()
    # A wrong code, and an unknown reference: the same answer, and no way in.
    wrong = _open(browser, reference, "ABCD-EFGH-JKMN")
    unknown = _open(browser, "D-00000-00000", "ABCD-EFGH-JKMN")
    assert wrong.status_code == unknown.status_code == 400
    assert _text(wrong).replace(reference, "?") == _text(unknown).replace("D-00000-00000", "?")
    assert browser.get(f"/d/{reference}").status_code == 302
    assert browser.get(f"/api/v1/explanations/{reference}").status_code == 401

    opened = _open(browser, reference, code)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/d/{reference}")
    page = browser.get(f"/d/{reference}")
    assert page.status_code == 200
    text = _text(page)
    values = {c["code"]: c["value"] for c in decision["criteria"]}
    quotient = NBSP.sub(" ", format_amount(values["quotient_familial"]))
    decided = datetime.fromisoformat(decision["decided_at"]).astimezone(PARIS)
    for expected in (
        # the essential first: the result, the score and its gap, the next step, a phone
        f"Décision du {format_date(decided)} : place en crèche non proposée.",
        f"Votre demande a obtenu {decision['score']} points, pour un seuil de 60 points",
        "Une question ? Appelez le 01 23 45 67 89",
        # (1) degree and mode of contribution, with the deciding role
        "Le maire de Ville-Exemple a décidé, avec l'aide d'un algorithme",
        # (2) the person's data and their sources, (3) what each gave
        f"Quotient familial de la famille {quotient}",
        "CAF",
        f"Votre total : {decision['score']} points",
        # (4) the operations, then the legal bases (in the closed section of legal texts)
        "additionne les points du barème",
        "Code de la santé publique, article R2324-30",
        # what would have changed the result; protected grounds with their justification
        "Ce qui aurait changé le résultat",
        "Pourquoi :",
        # data protection
        "Vos données personnelles",
        "www.cnil.fr",
        # voies et délais, how to contest, the CADA
        "Vos recours et vos délais",
        "L411-2 et L231-4",
        "tribunal administratif",
        "Comment contester cette décision",
        f"/d/{reference}/contester",
        "appeler le 01 23 45 67 89",
        "Commission d'accès aux documents administratifs",
        "La mention de votre courrier",
    ):
        assert expected in text, expected
    assert f"Ancienneté de la demande {values['anciennete_demande_mois']} mois" in text

    api = browser.get(f"/api/v1/explanations/{reference}")
    assert api.status_code == 200 and api.json["version"] == 1
    pdf = browser.get(f"/d/{reference}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")

    explainer = running_system.container("explainer")
    with explainer.engine.connect() as connection:
        assert (
            connection.scalar(
                select(func.count())
                .select_from(t.explanations)
                .where(t.explanations.c.reference == reference)
            )
            == 1
        )
        stored = connection.execute(
            select(t.decisions).where(t.decisions.c.reference == reference)
        ).one()
    assert code not in str(stored)


def test_the_formal_request_is_recorded_once_through_the_whole_origin(running_system):
    back_office = running_system.back_offices["region-exemple"]
    decision = _refused(
        "aide-transport-scolaire", seed=int(datetime.now().timestamp()) % 10_000 + 1
    )
    back_office.publish([decision])
    logged = back_office.wait_event(
        "decision.logged", lambda d: d["decision"]["decision_id"] == decision["decision_id"]
    )
    back_office.wait_event(
        "explanation.generated", lambda d: d["decision_id"] == decision["decision_id"]
    )
    browser = running_system.browser()
    assert _open(browser, logged["reference"], logged["access_code"]).status_code == 303
    token = _token(browser, f"/d/{logged['reference']}")
    for _ in range(2):
        response = browser.post(f"/d/{logged['reference']}/demande", data={CSRF_FIELD: token})
        assert response.status_code == 303
    assert "Votre demande officielle a été enregistrée" in _text(
        browser.get(f"/d/{logged['reference']}")
    )
    with running_system.container("explainer").engine.connect() as connection:
        assert (
            connection.scalar(
                select(func.count())
                .select_from(t.communication_requests)
                .where(t.communication_requests.c.reference == logged["reference"])
            )
            == 1
        )
