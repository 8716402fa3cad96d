"""decision_log's WSGI application: `create_app()` for gunicorn and the embedded mode."""

from __future__ import annotations

from flask import Flask

from services.decision_log.adapters.tables import agent_sessions, audit
from services.decision_log.bootstrap import DecisionLog, bootstrap
from services.decision_log.entrypoints import register
from services.decision_log.entrypoints.api import algorithms, decisions, log, transparency
from services.decision_log.service_layer.producers import resolve_api_key
from shared.auth.principal import Principal
from shared.auth.revocations import session_checker
from shared.auth.session import set_agent_session_check, set_api_key_resolver
from shared.config import Settings
from shared.contracts.algorithm import AlgorithmVersionSchema
from shared.contracts.decision import DecisionRecordedSchema
from shared.db import ping
from shared.web.app import create_service_app
from shared.web.audit import install_audit


def create_app(settings: Settings | None = None, service: DecisionLog | None = None) -> Flask:
    settings = settings or Settings.from_env()
    service = service or bootstrap(settings)
    app, api = create_service_app(
        "services.decision_log",
        settings,
        service="decision_log",
        title="Explicite — journal des décisions et registre des algorithmes",
        readiness={"database": lambda: ping(service.engine)},
    )
    app.extensions["decision_log"] = service

    def resolve(key: str) -> Principal | None:
        with service.uow() as uow:
            return resolve_api_key(uow, key)

    set_api_key_resolver(app, resolve)
    set_agent_session_check(app, session_checker(service.uow, agent_sessions))
    api.spec.components.schema("DecisionRecorded", schema=DecisionRecordedSchema)
    api.spec.components.schema("AlgorithmVersion", schema=AlgorithmVersionSchema)
    api.spec.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer"})
    for blueprint in (decisions.blp, algorithms.blp, log.blp, transparency.blp):
        api.register_blueprint(blueprint)
    install_audit(app, api, "decision_log", service.uow, audit)
    app.register_blueprint(register.bp)
    return app
