"""The one error format: `{"error": {"code", "message", "fields"}}`, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_smorest import Api
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

# Stable, machine-readable codes per HTTP status; a view may give a more precise one.
_CODES = {
    400: "invalid_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(HTTPException):
    """An error a view raises on purpose, with its code and, for validation, its fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code or _CODES.get(status, "error")
        self.fields = fields
        self.extra_headers = headers or {}


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict()  # type: ignore[assignment]  # the contract's name for field errors


class ErrorSchema(Schema):
    """Documents the error payload in the OpenAPI document."""

    error = fields.Nested(ErrorBodySchema, required=True)


class ValidationParser(FlaskParser):
    """Request validation errors are 400 with the fields at fault, as contract v1 says."""

    DEFAULT_VALIDATION_STATUS = 400


# An answer names at most this many faults, each message at most so long: a body with a
# thousand invalid items gets a readable answer, not one as large as itself.
MAX_FIELD_ERRORS = 50
MAX_MESSAGE = 300


def capped(errors: Any, budget: int = MAX_FIELD_ERRORS) -> Any:
    """The field errors, cut after `budget` messages (a `…` entry says more were found)."""
    left = [budget]

    def walk(item: Any) -> Any:
        if isinstance(item, dict | list | tuple):
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            kept: dict[str, Any] = {}
            for key, value in pairs:
                if left[0] <= 0:
                    kept["…"] = ["further errors are not shown"]
                    break
                kept[str(key)[:MAX_MESSAGE]] = walk(value)
            return kept if isinstance(item, dict) else list(kept.values())
        left[0] -= 1
        return str(item)[:MAX_MESSAGE]

    return walk(errors)


def error_body(
    status: int, message: str, code: str | None = None, fields_: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code or _CODES.get(status, "error"), "message": message}
    if fields_:
        body["fields"] = capped(fields_)
    return {"error": body}


def _wants_html() -> bool:
    if request.path.startswith("/api/"):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def to_response(error: HTTPException) -> Response:
    """Render any HTTP error as JSON for the API, as a French page for browsers."""
    status = error.code or 500
    if isinstance(error, ApiError):
        code, fields_, headers = error.error_code, error.fields, error.extra_headers
        message = error.description or ""
    else:
        data = getattr(error, "data", None) or {}
        fields_ = data.get("messages") or data.get("errors")
        if isinstance(fields_, dict) and set(fields_) <= {
            "json",
            "query",
            "form",
            "files",
            "querystring",
            "headers",
        }:
            # webargs nests by location; one location per request here, flatten it. A body
            # that is not JSON at all comes as a list of messages for the whole body.
            fields_ = {
                k: v
                for location in fields_.values()
                for k, v in (
                    location.items() if isinstance(location, dict) else [("body", location)]
                )
            }
        code = _CODES.get(status, "error")
        message = data.get("message") or _default_message(status, error)
        headers = dict(data.get("headers") or {})
    if status == 405 and (allowed := getattr(error, "valid_methods", None)):
        headers["Allow"] = ", ".join(allowed)
    if _wants_html():
        page = render_template("shared/error.html", status=status, message=message)
        response = Response(page, status=status, mimetype="text/html")
    else:
        response = jsonify(error_body(status, message, code, fields_))
        response.status_code = status
    response.headers.update(headers)
    return response


def _default_message(status: int, error: HTTPException) -> str:
    if status == 400:
        return "The request is not valid."
    if status == 413:
        return "The request body is too large."
    return error.description or error.name


class ExpliciteApi(Api):
    """flask-smorest's Api with the project's error format."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return to_response(error)


def register_error_handlers(app: Flask) -> None:
    """JSON (or French HTML) errors for every HTTP error; a 500 never shows internals."""
    app.register_error_handler(HTTPException, to_response)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return to_response(error)
        log.exception("unhandled error", extra={"path": request.path})
        return to_response(InternalServerError("An internal error occurred; it was logged."))
