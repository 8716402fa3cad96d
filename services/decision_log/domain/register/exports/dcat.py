"""The register as a DCAT-AP 3.0 catalogue in JSON-LD, for data.gouv.fr and other harvesters.

One dataset per algorithm (administration, id), with each of its versions as a dataset of its
own (`dcat:hasVersion`, `dcat:previousVersion`), and a distribution per export. Every node is
typed, so that the DCAT-AP SHACL shapes can check the ranges without inference.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from services.decision_log.domain.register.entries import Addresses, Entry, versions_in_order
from services.decision_log.domain.register.exports import text

SCHEMA_VERSION = "1.0.0"
FILE = "dcat.jsonld"
DCAT_AP = "http://data.europa.eu/r5r/"
EU = "http://publications.europa.eu/resource/authority/"
FRENCH = f"{EU}language/FRA"
GOVERNMENT = f"{EU}data-theme/GOVE"
# Licence Ouverte / Open Licence 2.0 (Etalab), the licence of French public data.
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "jsonld": ("JSON_LD", "application/ld+json"),
    "html": ("HTML", "text/html"),
}

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "adms": "http://www.w3.org/ns/adms#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "fr"}


def _date(moment: datetime) -> dict[str, str]:
    return {"@value": moment.date().isoformat(), "@type": "xsd:date"}


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _ref(uri: str) -> dict[str, str]:
    return {"@id": uri}


class _Catalogue:
    """Collects the nodes of the graph; shared nodes (formats, licence, agents) once each."""

    def __init__(self, addresses: Addresses) -> None:
        self.addresses = addresses
        self.nodes: dict[str, dict[str, Any]] = {}

    def add(self, node: dict[str, Any]) -> dict[str, str]:
        """Add a node, or merge it into the node of the same @id (a page is both a dataset's
        landing page and the dataset's own identifier)."""
        known = self.nodes.setdefault(node["@id"], {"@id": node["@id"]})
        types = [*_listed(known.get("@type")), *_listed(node.get("@type"))]
        known.update({k: v for k, v in node.items() if k != "@type"})
        known["@type"] = sorted(set(types)) if len(set(types)) > 1 else types[0]
        return _ref(node["@id"])

    def format(self, kind: str) -> dict[str, Any]:
        code, media = FORMATS[kind]
        return {
            "dct:format": self.add(
                {"@id": f"{EU}file-type/{code}", "@type": "dct:MediaTypeOrExtent"}
            ),
            "dcat:mediaType": self.add(
                {
                    "@id": f"https://www.iana.org/assignments/media-types/{media}",
                    "@type": "dct:MediaType",
                }
            ),
        }

    def distribution(
        self, uri: str, title: str, kind: str, *, download: bool = True
    ) -> dict[str, str]:
        node: dict[str, Any] = {
            "@id": f"{uri}#distribution",
            "@type": "dcat:Distribution",
            "dct:title": _text(title),
            "dcat:accessURL": self.add({"@id": uri, "@type": "rdfs:Resource"}),
            "dct:license": self.add({"@id": LICENCE, "@type": "dct:LicenseDocument"}),
            **self.format(kind),
        }
        if download:
            node["dcat:downloadURL"] = _ref(uri)
        return self.add(node)

    def publisher(self, entry: Entry) -> dict[str, str]:
        node: dict[str, Any] = {
            "@id": self.addresses.administration(entry.administration),
            "@type": "foaf:Agent",
            "foaf:name": entry.organisation_name,
            "dct:identifier": entry.administration,
        }
        if entry.siren:
            node["dct:identifier"] = [entry.administration, entry.siren]
            node["adms:identifier"] = self.add(
                {
                    "@id": f"{node['@id']}-siren",
                    "@type": "adms:Identifier",
                    "skos:notation": entry.siren,
                    "dct:creator": _ref("https://www.insee.fr"),
                }
            )
        return self.add(node)

    def contact(self, entry: Entry) -> dict[str, str]:
        service = entry.document["responsible_service"]
        return self.add(
            {
                "@id": f"{self.addresses.version(*entry.key)}#contact",
                # vcard:Kind too: the shapes check the class without inference.
                "@type": ["vcard:Kind", "vcard:Organization"],
                "vcard:fn": service["name"],
                "vcard:hasEmail": _ref(f"mailto:{service['email']}"),
            }
        )


def catalogue(
    entries: list[Entry], addresses: Addresses, publisher_name: str, generated_at: datetime
) -> dict[str, Any]:
    """The JSON-LD document of the whole register."""
    graph = _Catalogue(addresses)
    by_algorithm: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_algorithm[(entry.administration, entry.algorithm_id)].append(entry)
    datasets = [
        _algorithm(graph, versions_in_order(items)) for _, items in sorted(by_algorithm.items())
    ]
    register = addresses.register()
    graph.add(
        {
            "@id": register,
            "@type": "dcat:Catalog",
            "dct:title": _text("Registre des algorithmes publics"),
            "dct:description": _text(
                "Les traitements algorithmiques qui fondent des décisions individuelles, publiés "
                "par les administrations qui les utilisent (code des relations entre le public et "
                "l'administration, article L312-1-3), avec leurs versions et ce qu'elles "
                "décident en pratique."
            ),
            "dct:publisher": graph.add(
                {"@id": f"{register}#editeur", "@type": "foaf:Agent", "foaf:name": publisher_name}
            ),
            "foaf:homepage": graph.add({"@id": register, "@type": "foaf:Document"}),
            "dct:language": graph.add({"@id": FRENCH, "@type": "dct:LinguisticSystem"}),
            "dct:modified": _date(generated_at),
            "dcat:dataset": datasets,
        }
    )
    return {"@context": CONTEXT, "@graph": list(graph.nodes.values())}


def _algorithm(graph: _Catalogue, versions: list[Entry]) -> dict[str, str]:
    latest = next((e for e in reversed(versions) if e.in_use), versions[-1])
    addresses = graph.addresses
    administration, algorithm_id = latest.key[:2]
    uri = addresses.algorithm(administration, algorithm_id)
    version_refs = [
        _version(graph, entry, previous)
        for previous, entry in zip([None, *versions[:-1]], versions, strict=True)
    ]
    filtered = f"?algorithme={administration}/{algorithm_id}"
    distributions = [
        graph.distribution(uri, "Page de l'algorithme et de ses versions", "html", download=False),
        graph.distribution(
            addresses.export(f"inventaire.csv{filtered}"),
            "Inventaire (CSV, guide des algorithmes publics)",
            "csv",
        ),
        graph.distribution(
            addresses.export(f"algoritmeregister.json{filtered}"),
            "Standard néerlandais de publication 1.0.0 (JSON)",
            "json",
        ),
        graph.distribution(
            addresses.export(f"atrs.json{filtered}"),
            "Standard britannique ATRS, niveaux 1 et 2 (JSON)",
            "json",
        ),
    ]
    return graph.add(
        {
            "@id": uri,
            "@type": "dcat:Dataset",
            "dct:identifier": f"{administration}/{algorithm_id}",
            "dct:title": _text(latest.document["name"]),
            "dct:description": _text(latest.document["purpose"]),
            "dct:publisher": graph.publisher(latest),
            "dcat:contactPoint": graph.contact(latest),
            "dcat:landingPage": graph.add({"@id": uri, "@type": "foaf:Document"}),
            "dct:language": _ref(FRENCH),
            "dcat:theme": graph.add(
                {
                    "@id": GOVERNMENT,
                    "@type": "skos:Concept",
                    "skos:prefLabel": _text("Gouvernement et secteur public"),
                }
            ),
            "dcat:keyword": [
                _text("algorithme public"),
                _text("décision individuelle"),
                _text(text.AUTOMATION[latest.document["automation_allowed"]]),
            ],
            "dct:issued": _date(versions[0].registered_at),
            "dct:modified": _date(max(v.registered_at for v in versions)),
            "dcat:version": latest.version,
            "dcat:hasVersion": version_refs,
            "dcat:distribution": distributions,
        }
    )


def _version(graph: _Catalogue, entry: Entry, previous: Entry | None) -> dict[str, str]:
    addresses = graph.addresses
    uri = addresses.version(*entry.key)
    node: dict[str, Any] = {
        "@id": uri,
        "@type": "dcat:Dataset",
        "dct:identifier": entry.identifier,
        "dct:title": _text(f"{entry.document['name']} (version {entry.version})"),
        "dct:description": _text(entry.document["purpose"]),
        "dct:publisher": graph.publisher(entry),
        "dcat:contactPoint": graph.contact(entry),
        "dcat:landingPage": graph.add({"@id": uri, "@type": "foaf:Document"}),
        "dcat:version": entry.version,
        "dct:isVersionOf": _ref(addresses.algorithm(*entry.key[:2])),
        "dct:issued": _date(entry.registered_at),
        "adms:status": graph.add(
            {
                "@id": f"{EU}dataset-status/{'COMPLETED' if entry.in_use else 'WITHDRAWN'}",
                "@type": "skos:Concept",
                "skos:prefLabel": _text("En service" if entry.in_use else "Retirée"),
            }
        ),
        "dcat:distribution": [
            graph.distribution(uri, "Page de cette version", "html", download=False),
            graph.distribution(addresses.api(*entry.key), "Cette version en JSON", "json"),
        ],
    }
    if previous is not None:
        node["dcat:previousVersion"] = _ref(addresses.version(*previous.key))
    return graph.add(node)
