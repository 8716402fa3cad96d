"""appeals' WSGI application: `create_app()` for gunicorn and the embedded mode."""

from __future__ import annotations

from flask import Flask

from services.appeals.adapters.tables import audit
from services.appeals.bootstrap import Appeals, bootstrap
from services.appeals.entrypoints import console, usager
from services.appeals.entrypoints.api import appeals
from services.appeals.entrypoints.templating import install_filters
from services.appeals.service_layer.agents import current_agent
from shared.auth.principal import Principal
from shared.auth.session import set_agent_session_check
from shared.config import Settings
from shared.db import ping
from shared.web.app import create_service_app
from shared.web.audit import install_audit

# Attachments travel in the filing form (multipart) or base64 in JSON: 10 MB of files at most.
MAX_BODY_BYTES = 14 * 1024 * 1024


def create_app(settings: Settings | None = None, service: Appeals | None = None) -> Flask:
    settings = settings or Settings.from_env()
    service = service or bootstrap(settings)
    app, api = create_service_app(
        "services.appeals",
        settings,
        service="appeals",
        title="Explicite — recours et console d'examen",
        readiness={"database": lambda: ping(service.engine)},
        max_body_bytes=MAX_BODY_BYTES,
    )
    app.extensions["appeals"] = service

    def session_holds(principal: Principal) -> bool:
        with service.uow() as uow:
            return current_agent(uow, principal) is not None

    set_agent_session_check(app, session_holds)
    install_filters(app)
    api.register_blueprint(appeals.blp)
    install_audit(app, api, "appeals", service.uow, audit)
    app.register_blueprint(console.bp)
    app.register_blueprint(usager.bp)
    return app
