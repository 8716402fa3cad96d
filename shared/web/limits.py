"""What an API request body must respect before any of it is parsed: who sends it, its size,
its nesting and how many values it holds.

JSON parsers and schemas cost memory and time in proportion to the values they build: a few
megabytes of `[{},{},…]` become millions of objects, each invalid one its own error message.
So every unsafe request to the API is checked here first, in this order, by each service's app:

1. the caller is authenticated (no endpoint takes a body from nobody): 401 without reading it,
   except where the body proves who sends it (`authenticated_by_body`: a witness's signed
   cosignature), which then has a small limit of its own;
2. the declared size is within the service's limit: 413 without reading it;
3. the raw bytes hold at most `max_values` JSON values nested at most `max_depth` deep: 413 or
   400 before the JSON parser runs. The count is done in C (a regular expression blanks the
   strings, `bytes.translate` keeps the brackets and commas): linear, a few milliseconds for
   megabytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, request

from shared.auth.session import current_principal
from shared.web.errors import ApiError

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A JSON string, escapes included; unrolled so that a long string is one fast scan.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_STRUCTURE = b"[]{},"
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in _STRUCTURE)
_INNERMOST = re.compile(rb"\[\]|\{\}")
T = TypeVar("T")


@dataclass(frozen=True)
class BodyLimits:
    """The most a service's API accepts in one body."""

    max_bytes: int
    # Well above any body of the contract (an algorithm version nests about 7 deep), well
    # below what makes a recursive parser fail.
    max_depth: int = 20
    # Values (objects, arrays and the items they hold) in one body: a registry entry with 200
    # criteria holds a few thousand.
    max_values: int = 20_000


def structure_problem(raw: bytes, max_depth: int, max_values: int) -> tuple[int, str] | None:
    """(status, reason) if the JSON text holds too many values or nests too deep, else None.

    Text that is not JSON passes or fails here as it may: the parser then names its fault.
    """
    structure = _STRING.sub(b"", raw).translate(None, _NOT_STRUCTURE)
    values = structure.count(b",") + structure.count(b"[") + structure.count(b"{")
    if values > max_values:
        return 413, f"holds more than {max_values} JSON values"
    brackets = structure.replace(b",", b"")
    # Each round removes the innermost pairs: after n rounds, only what nests deeper than n
    # (or brackets that do not match) is left.
    for _ in range(max_depth):
        if not brackets:
            return None
        brackets = _INNERMOST.sub(b"", brackets)
    if brackets:
        return 400, f"is nested deeper than {max_depth} levels (or its brackets do not match)"
    return None


def authenticated_by_body(max_bytes: int) -> Callable[[T], T]:
    """Mark a view (function or MethodView) whose body carries its own proof of its sender,
    checked by the view: it needs no session or key, and reads at most `max_bytes`."""

    def mark(view: T) -> T:
        view.body_authenticates = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


def _own_body_limit(app: Flask) -> int | None:
    view = app.view_functions.get(request.endpoint or "")
    return getattr(getattr(view, "view_class", view), "body_authenticates", None)


def guard_api_bodies(app: Flask, limits: BodyLimits) -> None:
    """Check every unsafe request to the app's API before its view parses anything."""

    @app.before_request
    def _check_body() -> None:
        if (
            request.method not in UNSAFE_METHODS
            or not request.path.startswith("/api/")
            or request.routing_exception is not None
        ):  # 404 and 405 say it better
            return
        own_limit = _own_body_limit(app)
        if own_limit is None and not current_principal().authenticated:
            raise ApiError(401, "Authentication is required.")
        max_bytes = own_limit or limits.max_bytes
        length = request.content_length
        if length is not None and length > max_bytes:
            raise ApiError(413, f"The request body is larger than {max_bytes} bytes.")
        raw = request.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH when chunked
        if not raw:
            return
        problem = structure_problem(raw, limits.max_depth, limits.max_values)
        if problem is not None:
            status, reason = problem
            raise ApiError(
                status,
                "The request body is too large or too deeply nested.",
                fields={"body": [reason]},
            )
