"""Security headers, CSRF tokens and session lifetime for every service's pages and API."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from flask import Flask, Response, request, session

from shared.web.errors import ApiError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# No inline script or style anywhere: pages load /static files only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def client_address() -> str:
    """The client's address, as rate limits count it (see Settings.trusted_proxies)."""
    return request.remote_addr or "unknown"


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def _check_csrf() -> None:
    """Refuse unsafe requests a cross-site page could have made in the user's name.

    That is every form submission (logins included), and any request riding on a signed-in
    session. API keys travel in a header no other site can set; an anonymous API call is
    left to get its 401.
    """
    if request.method in SAFE_METHODS or request.headers.get("Authorization"):
        return
    is_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if not is_form and "agent" not in session and "usager" not in session:
        return
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise ApiError(
            403,
            "The form has expired or did not come from this site. Reload the page and try again.",
            code="csrf_failed",
        )


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if "Cache-Control" not in headers and (session.accessed or request.path.startswith("/api/")):
        # Personal pages and API answers must not linger in shared caches.
        headers["Cache-Control"] = "no-store"
    return response


def install_security(app: Flask, *, secure_cookies: bool) -> None:
    """Cookie flags, CSRF on every unsafe cookie-authenticated request, security headers."""
    app.config.update(
        SESSION_COOKIE_NAME="explicite_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.before_request(_check_csrf)
    app.after_request(_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["CSRF_FIELD"] = CSRF_FIELD
