"""Algorithm owners register the wording of their algorithm version's explanations."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from services.explainer.domain.readability import FORMULA
from services.explainer.entrypoints.api import service
from services.explainer.entrypoints.api.schemas import (
    TemplateInSchema,
    TemplateRegisteredSchema,
    TemplateSchema,
)
from services.explainer.service_layer.templates import (
    InvalidTemplate,
    UnknownAlgorithm,
    register_template,
)
from shared.auth.session import current_principal, require
from shared.web.app import ApiBlueprint
from shared.web.errors import ApiError

blp = ApiBlueprint(
    "templates",
    __name__,
    url_prefix="/api/v1/explanations/templates",
    description="Custom wording of explanations, per algorithm version.",
)

OWNER_ROLES = ("algorithm_owner", "admin")
NOT_FOUND = "No such algorithm version in your administration."


def template_json(row: Any) -> dict[str, Any]:
    return {
        "template_id": row.id,
        "version": row.version,
        "label": f"custom:{row.id}:v{row.version}",
        "sections": row.sections,
        "note": row.note,
        "registered_by": row.registered_by,
        "registered_at": row.registered_at.isoformat(),
    }


def _own_key(algorithm_id: str, version: str) -> tuple[str, str, str]:
    """The version of the caller's own administration: ids are each administration's own, so
    another's answers 404 like one that does not exist."""
    principal = require(kinds=("agent",), roles=OWNER_ROLES)
    return str(principal.administration), algorithm_id, version


@blp.route("/<string:algorithm_id>/<string:version>")
class Templates(MethodView):
    @blp.response(200, TemplateSchema(many=True))
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    def get(self, algorithm_id: str, version: str) -> list[dict[str, Any]]:
        """Every registered version of the wording, oldest first; the last one applies."""
        key = _own_key(algorithm_id, version)
        with service().uow() as uow:
            if uow.algorithms.get(key) is None:
                raise ApiError(404, NOT_FOUND)
            return [template_json(row) for row in uow.templates.history(key)]

    @blp.arguments(TemplateInSchema)
    @blp.response(201, TemplateRegisteredSchema)
    @blp.alt_response(
        400,
        schema="Error",
        description="Unknown section, syntax error, or the template fails on a sample decision",
    )
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    def post(self, payload: dict[str, Any], algorithm_id: str, version: str) -> dict[str, Any]:
        """Register the next version of the wording; it applies to explanations made from now.

        Existing explanations keep their wording until regenerated, as new versions.
        """
        key = _own_key(algorithm_id, version)
        app = service()
        try:
            with app.uow() as uow:
                registered = register_template(
                    uow,
                    key,
                    payload["sections"],
                    payload["note"],
                    by=current_principal().id,
                    context=app.context,
                )
                uow.commit()
        except UnknownAlgorithm as exc:
            raise ApiError(404, NOT_FOUND) from exc
        except InvalidTemplate as exc:
            raise ApiError(400, "The template cannot be used.", fields=exc.errors) from exc
        with app.uow() as uow:
            row = next(r for r in uow.templates.history(key) if r.id == registered.template_id)
        return {
            **template_json(row),
            "preview_readability": {"formula": FORMULA, "score": registered.preview_readability},
        }
