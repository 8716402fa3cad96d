"""The nginx gateway and the embedded dispatcher route every path to the same service."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.web.gateway import OPERATOR_ONLY, PATTERNS, ROUTES, service_for

NGINX = (Path(__file__).resolve().parents[2] / "deploy/gateway/nginx.conf").read_text()
UPSTREAM_OF = {"decision_log": "decision_log", "explainer": "explainer", "appeals": "appeals"}


_LOCATION = re.compile(
    r"location\s+(=\s+|~\s+)?(\S+)\s*\{\s*"
    r"(?:client_max_body_size (\w+);\s*)?proxy_pass http://(\w+);"
)


def nginx_locations() -> dict[str, str]:
    return {
        (modifier or "").strip() + path: upstream
        for modifier, path, _size, upstream in _LOCATION.findall(NGINX)
    }


def _bytes(size: str) -> int:
    units = {"k": 1024, "m": 1024**2}
    return int(size[:-1]) * units[size[-1]] if size[-1] in units else int(size)


def test_the_gateway_lets_through_exactly_what_each_service_accepts():
    """Below, the gateway refuses what the service accepts; above, it forwards what the
    service will refuse anyway, after reading it."""
    from services.appeals.entrypoints.web import MAX_BODY_BYTES
    from shared.config import Settings

    default = _bytes(re.search(r"^  client_max_body_size (\w+);", NGINX, re.M).group(1))
    assert default == Settings(secret_key="x" * 32).max_body_bytes
    for modifier, path, size, upstream in _LOCATION.findall(NGINX):
        limit = _bytes(size) if size else default
        expected = MAX_BODY_BYTES if upstream == "appeals" else default
        assert limit == expected, (modifier, path, limit)


@pytest.mark.parametrize(("prefix", "service"), [r for r in ROUTES if r[0] not in OPERATOR_ONLY])
def test_every_prefix_has_an_nginx_location_to_the_same_service(prefix, service):
    locations = nginx_locations()
    candidates = [prefix, prefix.rstrip("/"), f"={prefix}"]
    upstreams = {locations[c] for c in candidates if c in locations}
    assert upstreams == {UPSTREAM_OF[service]}, (prefix, upstreams)


@pytest.mark.parametrize("path", OPERATOR_ONLY)
def test_operator_paths_are_refused_by_the_public_gateway(path):
    assert re.search(rf"location\s+=\s+{re.escape(path)}\s*\{{\s*deny all;", NGINX)


@pytest.mark.parametrize(("pattern", "service"), PATTERNS)
def test_every_pattern_has_an_nginx_regex_location(pattern, service):
    assert nginx_locations()[f"~{pattern}"] == UPSTREAM_OF[service]


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/", "explainer"),
        ("/d/D-ABCDE-12345", "explainer"),
        ("/d/D-ABCDE-12345/pdf", "explainer"),
        ("/d/D-ABCDE-12345/contester", "appeals"),
        ("/d/D-ABCDE-12345/recours/12", "appeals"),
        ("/register", "decision_log"),
        ("/api/v1/decisions", "decision_log"),
        ("/api/v1/appeals/1", "appeals"),
        ("/console", "appeals"),
        ("/console/queue", "appeals"),
    ],
)
def test_paths_reach_their_service(path, service):
    assert service_for(path) == service


def test_the_gateway_serves_the_merged_api_document_as_the_services_describe_it():
    """The file `explicite openapi` writes, which nginx serves, is the services' document."""
    from services.openapi import PATH, public_spec, render

    assert re.search(
        rf"location\s+=\s+{re.escape(PATH)}\s*\{{[^}}]*"
        r"alias /etc/nginx/openapi.json;",
        NGINX,
    )
    served = (Path(__file__).resolve().parents[2] / "deploy/gateway/openapi.json").read_text()
    assert served == render(public_spec()), "explicite openapi --out deploy/gateway/openapi.json"
