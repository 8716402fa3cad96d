"""explainer's WSGI application: `create_app()` for gunicorn and the embedded mode."""

from __future__ import annotations

from flask import Flask

from services.explainer.adapters.tables import agent_sessions, audit
from services.explainer.bootstrap import Explainer, bootstrap
from services.explainer.entrypoints import pages
from services.explainer.entrypoints.api import explanations, templates
from shared.auth.revocations import session_checker
from shared.auth.session import set_agent_session_check
from shared.config import Settings
from shared.db import ping
from shared.web.app import create_service_app
from shared.web.audit import install_audit


def create_app(settings: Settings | None = None, service: Explainer | None = None) -> Flask:
    settings = settings or Settings.from_env()
    service = service or bootstrap(settings)
    app, api = create_service_app(
        "services.explainer",
        settings,
        service="explainer",
        title="Explicite — explications des décisions",
        readiness={"database": lambda: ping(service.engine)},
    )
    app.extensions["explainer"] = service
    set_agent_session_check(app, session_checker(service.uow, agent_sessions))
    for blueprint in (explanations.blp, templates.blp):
        api.register_blueprint(blueprint)
    install_audit(app, api, "explainer", service.uow, audit)
    app.register_blueprint(pages.bp)
    return app
