"""The person's pages over Flask test clients: opening with the code, access, requests, PDF."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from services.explainer.adapters import tables as t
from services.explainer.bootstrap import ExplainerConfig
from services.explainer.domain.communication import request_deadline
from services.explainer.entrypoints.web import create_app
from shared.french import PARIS, format_date
from shared.messaging import topology
from shared.web.security import CSRF_FIELD
from tests.integration.explainer.conftest import (
    Harness,
    Logged,
    as_agent,
    csrf,
    decision_of,
    open_decision,
    registered,
    sample,
)

NBSP = re.compile("[\u00a0\u202f]")


def _text(response) -> str:
    """The page as a person reads it: tags dropped, no-break spaces as spaces."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    page = page.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    return " ".join(NBSP.sub(" ", page).split())


@pytest.fixture
def creche(harness: Harness) -> Logged:
    logged = Logged(decision_of("creche-attribution", favourable=False))
    harness.publish(registered(sample("creche-attribution")), logged.event())
    return logged


def _without_token(response) -> str:
    return re.sub(r'value="[^"]*" *>', "", response.get_data(as_text=True))


def test_the_home_page_is_an_accessible_french_form(client: FlaskClient):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="fr">' in page
    assert '<label for="reference">' in page and '<label for="code">' in page
    assert 'aria-describedby="reference-hint"' in page
    assert f'name="{CSRF_FIELD}"' in page and "explainer.css" in page
    assert "<script" not in page and "style=" not in page and " onclick" not in page
    assert [int(h) for h in re.findall(r"<h(\d)", page)] == [1, 2]


def test_a_person_opens_their_decision_and_reads_every_legal_item(client, creche):
    code = creche.access_code.lower().replace("-", " ")  # as typed from the letter
    response = open_decision(client, creche.reference.lower(), code)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/d/{creche.reference}")
    page = client.get(f"/d/{creche.reference}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = _text(page)
    decided = datetime.fromisoformat(creche.decision["decided_at"]).astimezone(PARIS)
    quotient = next(
        c["value"] for c in creche.decision["criteria"] if c["code"] == "quotient_familial"
    )
    for expected in (
        "L'essentiel",
        f"Décision du {format_date(decided)} : place en crèche non proposée.",
        "Une question ? Appelez le 01 23 45 67 89",
        "Le rôle de l'algorithme",
        "Le maire de Ville-Exemple a décidé, avec l'aide d'un algorithme",
        "Vos informations et leur effet",
        "Quotient familial de la famille",
        NBSP.sub(" ", format_value(quotient)),
        "Le calcul",
        "Les étapes du traitement",
        "Les textes qui fondent cette décision",
        "Ce qui aurait changé le résultat",
        "Les critères liés à un motif de discrimination",
        "Vos recours et vos délais",
        "Comment contester cette décision",
        "Votre droit d'obtenir les règles",
        "CADA",
        "ne prolonge pas le délai pour contester",
        "Vos données personnelles",
        "dpd@ville-exemple.fr",
        "www.cnil.fr",
        # RGPD art. 13(2)(a): Explicite's retention, from the settings (730 days by default).
        "Explicite efface vos coordonnées (courriel, adresse) 2 ans après la décision.",
        "Vos données personnelles : le détail",
        "Responsable du traitement : Commune de Ville-Exemple.",
        "Faire la demande officielle",
        "Vos recours en détail, les textes de loi et la mention de votre courrier",
        "article R311-3-1-2 (3°)",
        "L411-2 et L231-4",
    ):
        assert expected in text, expected
    html = page.get_data(as_text=True)
    assert f'href="/d/{creche.reference}/contester"' in html
    assert f'<a href="http://explicite.test/d/{creche.reference}/contester">' in html
    assert "<script" not in html and "style=" not in html
    # The essential comes first; the legal texts in one closed section near the end; the
    # readability score is not shown to the person.
    assert html.index('id="essentiel"') < html.index('id="contribution"')
    assert '<details id="textes" class="legal-texts">' in html
    assert "Lisibilité" not in html
    levels = [int(level) for level in re.findall(r"<h(\d)", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in pairwise(levels))


def format_value(value: float) -> str:
    from shared.french import format_amount

    return format_amount(value)


def test_a_wrong_code_reveals_nothing_not_even_whether_the_reference_exists(client, creche):
    wrong = open_decision(client, creche.reference, "ABCD-EFGH-JKMN")
    unknown = open_decision(client, "D-00000-00000", "ABCD-EFGH-JKMN")
    assert wrong.status_code == unknown.status_code == 400
    # The same page, but for the reference the person typed, given back to them.
    assert _without_token(wrong).replace(creche.reference, "D-00000-00000") == _without_token(
        unknown
    )
    assert "La référence ou le code d'accès ne correspond pas" in _text(wrong)
    assert 'aria-invalid="true"' in wrong.get_data(as_text=True)
    # No session was granted: the page asks for the code, as for anyone.
    assert client.get(f"/d/{creche.reference}").status_code == 302


def test_malformed_input_gets_messages_tied_to_their_fields(client):
    response = client.post(
        "/", data={CSRF_FIELD: csrf(client), "reference": "12", "code": "<script>"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'aria-describedby="reference-hint reference-error"' in page
    assert 'aria-describedby="code-hint code-error"' in page
    assert "<script>" not in page and "Erreur : Ouvrir ma décision" in page


def test_attempts_on_one_reference_are_limited_across_processes(explainer, creche):
    first, second = (create_app(explainer.settings, explainer).test_client() for _ in range(2))
    for attempt in range(5):
        client = first if attempt % 2 else second
        assert (
            open_decision(
                client, creche.reference, "ABCD-EFGH-JKMN", address=f"198.51.100.{attempt}"
            ).status_code
            == 400
        )
    # Even the right code, from a new address, waits: the reference is being guessed at.
    blocked = open_decision(first, creche.reference, creche.access_code, "192.0.2.99")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "900"
    assert "Vous avez fait trop d'essais" in _text(blocked)


def test_attempts_from_one_address_are_limited(client, creche):
    for number in range(10):
        assert open_decision(client, f"D-00000-{number:05d}", "ABCD-EFGH-JKMN").status_code == 400
    assert open_decision(client, creche.reference, creche.access_code).status_code == 429
    assert (
        open_decision(client, creche.reference, creche.access_code, address="192.0.2.1").status_code
        == 303
    )


def test_behind_the_gateway_the_forwarded_address_is_the_one_counted(client, creche):
    def attempt(number: int):
        return client.post(
            "/",
            data={
                CSRF_FIELD: csrf(client),
                "reference": f"D-00000-{number:05d}",
                "code": "ABCD-EFGH-JKMN",
            },
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
            headers={"X-Forwarded-For": f"198.51.100.9, 203.0.113.{number}"},
        )

    for number in range(10):
        assert attempt(number).status_code == 400  # ten people behind one gateway
    assert attempt(50).status_code == 400  # the eleventh is not blocked


def test_a_client_cannot_escape_the_limit_by_forging_the_forwarded_header(client, creche):
    # The gateway appends the address it saw to whatever the client sent: only that one counts.
    for number in range(11):
        response = client.post(
            "/",
            data={
                CSRF_FIELD: csrf(client),
                "reference": f"D-00000-{number:05d}",
                "code": "ABCD-EFGH-JKMN",
            },
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
            headers={"X-Forwarded-For": f"198.51.100.{number}, 93.184.216.34"},
        )
    assert response.status_code == 429


def test_only_the_holder_the_chain_and_agents_of_the_administration_may_read(
    client, app, harness, creche
):
    other = Logged(decision_of("creche-attribution", seed=8))
    harness.publish(other.event())
    assert client.get(f"/d/{creche.reference}").status_code == 302
    assert (
        client.get(f"/d/{creche.reference}")
        .headers["Location"]
        .endswith(f"/?reference={creche.reference}")
    )
    open_decision(client, other.reference, other.access_code)
    for path in ("", "/imprimer", "/pdf"):
        assert client.get(f"/d/{creche.reference}{path}").status_code == 404
        assert client.get(f"/d/D-00000-00000{path}").status_code == 404
    agent = app.test_client()
    as_agent(agent, "caisse-exemple", "reviewer")
    assert agent.get(f"/d/{creche.reference}").status_code == 404
    as_agent(agent, "ville-exemple", "reviewer")
    assert agent.get(f"/d/{creche.reference}").status_code == 200


def test_the_holder_of_either_code_reads_a_decision_and_its_revision(client, harness, creche):
    revised = Logged(
        decision_of(
            "creche-attribution",
            favourable=True,
            seed=4,
            supersedes=creche.decision["decision_id"],
            decision_id=creche.decision["decision_id"] + "-R",
        )
    )
    harness.publish(revised.event())
    open_decision(client, creche.reference, creche.access_code)
    page = client.get(f"/d/{creche.reference}")
    assert f"Cette décision a été remplacée : décision {revised.reference}" in _text(page)
    newer = client.get(f"/d/{revised.reference}")
    assert newer.status_code == 200
    assert f"Cette décision remplace la décision {creche.reference}" in _text(newer)


def test_printable_version_and_pdf(client, creche):
    open_decision(client, creche.reference, creche.access_code)
    printable = client.get(f"/d/{creche.reference}/imprimer")
    assert printable.status_code == 200
    assert "Vos recours et vos délais" in _text(printable)
    assert "Faire la demande officielle" not in _text(printable)
    pdf = client.get(f"/d/{creche.reference}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and pdf.data.rstrip().endswith(b"%%EOF")
    assert pdf.headers["Content-Disposition"] == (
        f'attachment; filename="explication-{creche.reference}-v1.pdf"'
    )
    check_accessible_pdf(pdf.data, "Explication de votre décision")
    text = " ".join(NBSP.sub(" ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    today = datetime.now(UTC).astimezone(PARIS).date()
    assert f"Document édité le {NBSP.sub(' ', format_date(today))}" in " ".join(text.split())
    assert "L'essentiel" in text and "La mention de votre courrier" in text
    # The same fingerprint as the receipt on the page (the transparency log's hash).
    assert "Empreinte dans le journal public : AAAA AAAA AAAA AAAA" in text
    # The appeal sections' full wording, which the page keeps in its closed section.
    assert "Vos recours et vos délais : le détail" in text


def check_accessible_pdf(data: bytes, title: str) -> None:
    """Tagged (a structure tree, marked content, reading order by structure), in French, with
    its title shown, every font embedded, declared PDF/UA-1."""
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata is not None and reader.metadata.title == title
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()
    roles: set[str] = set()

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "/S" in node:
            roles.add(str(node["/S"]))
            walk(node.get("/K", []))

    walk(catalog["/StructTreeRoot"]["/K"])
    assert {"/Document", "/H1", "/H2", "/P", "/L", "/LI", "/Table"} <= roles, roles
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_the_formal_request_is_recorded_once_with_its_deadline_and_announced(
    client, harness, creche
):
    open_decision(client, creche.reference, creche.access_code)
    token = csrf(client, f"/d/{creche.reference}")
    for _ in range(2):
        response = client.post(f"/d/{creche.reference}/demande", data={CSRF_FIELD: token})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/d/{creche.reference}#demande")
    with harness.service.engine.connect() as connection:
        [row] = connection.execute(select(t.communication_requests)).all()
    today = datetime.now(UTC).astimezone(PARIS).date()
    assert row.deadline == request_deadline(today) and row.requested_by == "usager"
    text = _text(client.get(f"/d/{creche.reference}"))
    assert "Votre demande officielle a été enregistrée le" in text
    assert f"au plus tard le {NBSP.sub(' ', format_date(row.deadline))}" in text
    harness.drain()
    [announced] = harness.events(topology.EXPLANATION_REQUESTED)
    assert announced["reference"] == creche.reference
    assert announced["decision_id"] == creche.decision["decision_id"]
    assert announced["deadline"] == row.deadline.isoformat()
    assert datetime.fromisoformat(announced["requested_at"]).date() <= today


def test_forms_refuse_a_missing_csrf_token(client, creche):
    assert (
        client.post(
            "/", data={"reference": creche.reference, "code": creche.access_code}
        ).status_code
        == 403
    )
    open_decision(client, creche.reference, creche.access_code)
    assert client.post(f"/d/{creche.reference}/demande").status_code == 403


def test_signing_out_forgets_the_decisions(client, creche):
    open_decision(client, creche.reference, creche.access_code)
    home = _text(client.get("/"))
    assert f"Décision {creche.reference}" in home
    response = client.post("/deconnexion", data={CSRF_FIELD: csrf(client)})
    assert response.status_code == 303
    assert client.get(f"/d/{creche.reference}").status_code == 302


@pytest.mark.parametrize("favourable", [False, True], ids=["selected", "not-selected"])
def test_a_selection_for_a_check_offers_a_report_not_a_contestation(client, harness, favourable):
    """The selection cannot be contested (a preparatory measure): the page says so, and its
    button must not say « Contester » right under it; what the person can do is report a
    wrong datum (review finding 5)."""
    logged = Logged(decision_of("ciblage-controles", favourable=favourable))
    harness.publish(registered(sample("ciblage-controles")), logged.event())
    open_decision(client, logged.reference, logged.access_code)
    page = client.get(f"/d/{logged.reference}")
    text = _text(page)
    assert page.status_code == 200
    assert (
        f'href="/d/{logged.reference}/contester">Signaler une information fausse</a>'
        in page.get_data(as_text=True)
    )
    assert "Contester cette décision" not in text and "Comment contester" not in text
    assert "Comment signaler une information fausse" in text


def test_a_decision_waiting_for_its_algorithm_opens_on_a_waiting_page(client, harness):
    parked = Logged(decision_of("ciblage-controles"))
    harness.publish(parked.event())
    open_decision(client, parked.reference, parked.access_code)
    page = client.get(f"/d/{parked.reference}")
    assert page.status_code == 200 and "Votre explication est en préparation" in _text(page)
    assert client.get(f"/d/{parked.reference}/pdf").status_code == 404
    token = csrf(client, f"/d/{parked.reference}")
    assert (
        client.post(f"/d/{parked.reference}/demande", data={CSRF_FIELD: token}).status_code == 409
    )


def test_every_version_stays_readable(client, harness, creche):
    amended = {**sample("creche-attribution"), "purpose": "Classer les demandes."}
    harness.publish(registered(amended, revision=2))
    open_decision(client, creche.reference, creche.access_code)
    latest = _text(client.get(f"/d/{creche.reference}"))
    assert "Les versions de cette explication" in latest and "Version 2" in latest
    first = client.get(f"/d/{creche.reference}?version=1")
    assert "Vous lisez la version 1 de cette explication" in _text(first)
    assert "Classer les demandes." not in _text(first)
    assert client.get(f"/d/{creche.reference}?version=3").status_code == 404


def test_text_from_the_registry_and_the_back_office_is_escaped(client, harness):
    document = sample("aide-transport-scolaire")
    document["responsible_service"]["name"] = '<script>alert("x")</script> Service'
    document["criteria"][0]["label"] = "<img src=x onerror=alert(1)>"
    logged = Logged(decision_of("aide-transport-scolaire"))
    harness.publish(registered(document), logged.event())
    open_decision(client, logged.reference, logged.access_code)
    html = client.get(f"/d/{logged.reference}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_every_page_states_its_accessibility_and_links_the_statement(client, explainer):
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/accessibilite">Accessibilité : non conforme</a>' in home
    statement = client.get("/accessibilite")
    text = _text(statement)
    assert statement.status_code == 200
    assert "Ce service est non conforme au référentiel général" in text
    assert "aucun audit de conformité n'a encore été réalisé" in text
    assert "Défenseur des droits" in text and "09 69 39 00 00" in text
    assert "ses coordonnées figurent sur votre courrier" in text  # no contact configured
    assert "<script" not in statement.get_data(as_text=True)


def test_the_statement_says_what_the_administration_configured(explainer):
    settings = explainer.settings.with_overrides(
        accessibility_status="partiellement", accessibility_publisher="La Ville d'Exemple"
    )
    # The statement's own knobs are the explainer's, read from the same variables as before.
    config = ExplainerConfig.from_env(
        {
            "EXPLICITE_ACCESSIBILITY_AUDIT": (
                "Audit du 3 mars 2027 par un auditeur externe : 87 % des critères."
            ),
            "EXPLICITE_ACCESSIBILITY_CONTACT": "accessibilite@ville-exemple.fr, 01 23 45 67 89",
        }
    )
    client = create_app(settings, replace(explainer, config=config)).test_client()
    text = _text(client.get("/accessibilite"))
    assert "La Ville d'Exemple s'engage à rendre ce service accessible" in text
    assert "partiellement conforme" in text and "87 % des critères" in text
    assert "accessibilite@ville-exemple.fr" in text
    assert "Accessibilité : partiellement conforme" in text  # the footer


def test_the_accessibility_status_must_be_one_of_the_three():
    from shared.config import ConfigurationError, Settings

    env = {"EXPLICITE_SECRET_KEY": "x" * 40, "EXPLICITE_ACCESSIBILITY_STATUS": "conforme"}
    with pytest.raises(ConfigurationError, match="ACCESSIBILITY_STATUS"):
        Settings.from_env(env)
    env["EXPLICITE_ACCESSIBILITY_STATUS"] = "totalement"
    assert Settings.from_env(env).accessibility_status == "totalement"
