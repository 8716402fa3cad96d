"""The public register of algorithms (L312-1-3) and registration by their owners."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from marshmallow import ValidationError

from services.decision_log.domain.register.entries import published_count
from services.decision_log.entrypoints.api import service
from services.decision_log.entrypoints.api.schemas import (
    AlgorithmListQuerySchema,
    AlgorithmSchema,
    AlgorithmSummarySchema,
    StatusChangeSchema,
)
from services.decision_log.service_layer.registry import (
    RegistryConflict,
    RegistryForbidden,
    change_status,
    register_algorithm,
)
from shared.auth.principal import Principal
from shared.auth.session import current_principal, require
from shared.contracts.decision import flatten_errors
from shared.web.app import ApiBlueprint
from shared.web.errors import ApiError

blp = ApiBlueprint(
    "algorithms",
    __name__,
    url_prefix="/api/v1/algorithms",
    description="The register of algorithm versions.",
)

OWNER_ROLES = ("algorithm_owner", "admin", "algorithms:write")


def summary(row: Any, public_url: str) -> dict[str, Any]:
    doc = row.document
    return {
        "id": doc["id"],
        "version": doc["version"],
        "administration": doc["administration"],
        "name": doc["name"],
        "purpose": doc["purpose"],
        "status": doc["status"],
        "automation_allowed": doc["automation_allowed"],
        "url": f"{public_url}/api/v1/algorithms/{doc['administration']}/{doc['id']}/"
        f"{doc['version']}",
    }


def _visible(row: Any, principal: Principal) -> bool:
    return bool(row.public) or (
        principal.kind == "agent" and principal.belongs_to(row.administration)
    )


@blp.route("")
class Algorithms(MethodView):
    @blp.arguments(AlgorithmListQuerySchema, location="query")
    @blp.response(200, AlgorithmSummarySchema(many=True))
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Every public algorithm version, for anyone (open data)."""
        app = service()
        with app.uow() as uow:
            rows = uow.algorithms.listing(
                public_only=True, administration=query.get("administration")
            )
        return [
            summary(r, app.settings.public_url)
            for r in rows
            if "status" not in query or r.status == query["status"]
        ]

    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/AlgorithmVersion"}}
            },
        }
    )
    @blp.response(201, AlgorithmSchema)
    @blp.alt_response(400, schema="Error")
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(409, schema="Error", description="Version already used by decisions")
    def post(self) -> tuple[dict[str, Any], int]:
        """Register an algorithm version (or amend it while no decision uses it)."""
        principal = require(kinds=("agent", "producer"), roles=OWNER_ROLES)
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            raise ApiError(400, "The body must be a JSON object.")
        try:
            with service().uow() as uow:
                registered = register_algorithm(
                    uow, payload, administration=str(principal.administration), by=principal.id
                )
                uow.commit()
        except ValidationError as exc:
            raise ApiError(
                400, "The algorithm version is not valid.", fields=flatten_errors(exc.messages)
            ) from exc
        except RegistryForbidden as exc:
            raise ApiError(403, str(exc)) from exc
        except RegistryConflict as exc:
            raise ApiError(409, str(exc)) from exc
        doc = registered.document
        return _detail(doc["administration"], doc["id"], doc["version"], principal), 201


def _detail(
    administration: str, algorithm_id: str, version: str, principal: Principal
) -> dict[str, Any]:
    with service().uow() as uow:
        row = uow.algorithms.row(administration, algorithm_id, version)
        if row is None or not _visible(row, principal):
            raise ApiError(404, "No such algorithm version.")
        used = uow.decisions.count(
            administration=administration, algorithm_id=algorithm_id, algorithm_version=version
        )
    return {
        "algorithm": row.document,
        "revision": row.revision,
        "registered_at": row.registered_at.isoformat(),
        "first_used_at": row.first_used_at.isoformat() if row.first_used_at else None,
        # 1 to 10 decisions are not published: with few cases a count can point at a
        # person. The administration's own agents and keys see the count.
        "decisions_logged": used if principal.belongs_to(administration) else published_count(used),
    }


def _retire_or_restore(
    administration: str, algorithm_id: str, version: str, status: str
) -> dict[str, Any]:
    principal = require(kinds=("agent", "producer"), roles=OWNER_ROLES)
    # Only the caller's own administration's versions: another's answers 404, as if absent.
    if not principal.belongs_to(administration):
        raise ApiError(404, NOT_YOURS)
    with service().uow() as uow:
        if change_status(uow, administration, algorithm_id, version, status) is None:
            raise ApiError(404, NOT_YOURS)
        uow.commit()
    return _detail(administration, algorithm_id, version, principal)


NOT_YOURS = "No such algorithm version in your administration."


@blp.route("/<string:administration>/<string:algorithm_id>/<string:version>")
class Algorithm(MethodView):
    @blp.response(200, AlgorithmSchema)
    @blp.alt_response(404, schema="Error")
    def get(self, administration: str, algorithm_id: str, version: str) -> dict[str, Any]:
        """One registry entry: purpose, legal bases, data, criteria, model, operations."""
        return _detail(administration, algorithm_id, version, current_principal())

    @blp.arguments(StatusChangeSchema)
    @blp.response(200, AlgorithmSchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    def patch(
        self, change: dict[str, Any], administration: str, algorithm_id: str, version: str
    ) -> dict[str, Any]:
        """Retire a version (or put it back in use); nothing else changes."""
        return _retire_or_restore(administration, algorithm_id, version, change["status"])


@blp.route("/<string:algorithm_id>/<string:version>")
class UnqualifiedAlgorithm(MethodView):
    """The paths of before ids were each administration's own, kept for existing clients."""

    @blp.response(200, AlgorithmSchema)
    @blp.alt_response(404, schema="Error")
    @blp.alt_response(409, schema="Error", description="Several administrations use this id")
    def get(self, algorithm_id: str, version: str) -> dict[str, Any]:
        """The entry with this id and version, when a single administration has one."""
        principal = current_principal()
        with service().uow() as uow:
            visible = [
                r.administration
                for r in uow.algorithms.rows(algorithm_id, version)
                if _visible(r, principal)
            ]
        if not visible:
            raise ApiError(404, "No such algorithm version.")
        if len(visible) > 1:
            raise ApiError(
                409,
                "Several administrations register this id and version: name "
                "the administration, /api/v1/algorithms/{administration}/"
                f"{algorithm_id}/{version}.",
                code="ambiguous",
                fields={"administration": [f"one of {', '.join(visible)}"]},
            )
        return _detail(visible[0], algorithm_id, version, principal)

    @blp.arguments(StatusChangeSchema)
    @blp.response(200, AlgorithmSchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    def patch(self, change: dict[str, Any], algorithm_id: str, version: str) -> dict[str, Any]:
        """Retire a version of the caller's administration (or put it back in use)."""
        principal = require(kinds=("agent", "producer"), roles=OWNER_ROLES)
        return _retire_or_restore(
            str(principal.administration), algorithm_id, version, change["status"]
        )
