"""`explicite`: run the system, its processes, and the operators' commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from shared.config import SERVICES, Settings
from shared.log import configure_logging

Command = Callable[[argparse.Namespace], int]


def _settings() -> Settings:
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    return settings


def _container(name: str) -> Any:
    from services import catalog

    return catalog.load(name).bootstrap(_settings())


def _print(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def cmd_run(args: argparse.Namespace) -> int:
    from services import embedded

    embedded.main(args.host, args.port, Path(args.data_dir), samples=not args.no_samples)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from shared.migrations import upgrade

    for name in args.services or SERVICES:
        upgrade(name, _container(name).engine)
        print(f"{name}: database at the latest revision")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from services import catalog
    from shared.messaging.runtime import amqp_transport

    # No check of pooled connections before use: the worker's loops retry on a lost one.
    settings = replace(_settings(), db_pre_ping=False)
    service = catalog.load(args.service)
    service.build_worker(service.bootstrap(settings), amqp_transport(settings)).run_forever()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """The decision log's chains and every service's audit trail; exit 1 if one is broken."""
    import importlib

    from services.decision_log.service_layer.audit import report_json, verify_log
    from services.decision_log.service_layer.transparency import verify_tree
    from shared import audit

    with _container("decision_log").uow() as uow:
        reports = verify_log(uow, args.administration or None)
        trees = [verify_tree(uow, report.chain) for report in reports]
    trails = []
    for name in SERVICES:
        tables = importlib.import_module(f"services.{name}.adapters.tables").audit
        with _container(name).uow() as uow:
            audit.seal_all(uow.session, tables)
            trails.append(audit.verify(uow.session, tables, f"audit:{name}"))
    _print(
        {
            "log": [report_json(r) for r in reports],
            "trees": [
                {
                    "administration": t.administration,
                    "leaves": t.leaves,
                    "intact": not t.problems,
                    "problems": list(t.problems),
                }
                for t in trees
            ],
            "audit_trails": [
                {
                    "trail": r.chain,
                    "intact": r.intact,
                    "entries": r.records,
                    "breaks": [b.problem for b in r.breaks],
                }
                for r in trails
            ],
        }
    )
    intact = all(r.intact for r in [*reports, *trails]) and not any(t.problems for t in trees)
    return 0 if intact else 1


def cmd_quarantine(args: argparse.Namespace) -> int:
    from services.decision_log.service_layer.quarantine import (
        describe,
        dismiss_item,
        replay_item,
    )

    service = _container("decision_log")
    with service.uow() as uow:
        if args.action == "list":
            _print(
                [
                    describe(r)
                    for r in uow.quarantine.listing(
                        status=None if args.status == "all" else args.status,
                        administration=args.administration,
                        category=args.category,
                        limit=args.limit,
                    )
                ]
            )
            return 0
        ids = args.ids or [
            r.id
            for r in uow.quarantine.listing(
                status="pending",
                administration=args.administration,
                category=args.category,
                limit=args.limit,
            )
        ]
        results = []
        for item_id in ids:
            if args.action == "replay":
                result = replay_item(uow, item_id, service.context)
                results.append({"id": item_id, "status": result.status, "detail": result.detail})
            else:
                results.append(
                    {"id": item_id, "dismissed": dismiss_item(uow, item_id, args.reason)}
                )
        uow.commit()
    _print(results)
    return 0


def cmd_dead_letters(args: argparse.Namespace) -> int:
    from services import catalog
    from shared.messaging.dead_letters import describe, list_dead_letters, replay_dead_letter

    service = catalog.load(args.service)
    container = service.bootstrap(_settings())
    with container.uow() as uow:
        if args.action == "list":
            _print(
                [
                    describe(r)
                    for r in list_dead_letters(
                        uow, service.messaging, None if args.status == "all" else args.status
                    )
                ]
            )
            return 0
        replayed = [i for i in args.ids if replay_dead_letter(uow, service.messaging, i)]
        uow.commit()
    _print({"replayed": replayed})
    return 0


def cmd_producers(args: argparse.Namespace) -> int:
    from services.decision_log.service_layer import producers

    with _container("decision_log").uow() as uow:
        if args.action == "add-amqp":
            producers.register_amqp_producer(uow, args.user, args.administration)
            message: Any = f"{args.user} may publish decisions of {args.administration}"
        elif args.action == "create-key":
            key = producers.create_api_key(
                uow, args.administration, args.name, tuple(args.scope or ["decisions:write"])
            )
            message = {"api_key": key, "note": "shown once; store it in your secret manager"}
        elif args.action == "revoke-key":
            message = {"revoked": producers.revoke_api_key(uow, args.prefix)}
        else:
            message = [
                {
                    "prefix": r.prefix,
                    "administration": r.administration,
                    "name": r.name,
                    "scopes": r.scopes,
                    "created_at": r.created_at,
                    "revoked_at": r.revoked_at,
                    "last_used_at": r.last_used_at,
                }
                for r in uow.producers.api_keys(args.administration)
            ]
        uow.commit()
    _print(message)
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    from marshmallow import ValidationError

    from services.decision_log.service_layer.registry import register_algorithm

    with _container("decision_log").uow() as uow:
        for path in args.files:
            document = json.loads(Path(path).read_text())
            try:
                result = register_algorithm(
                    uow, document, administration=document.get("administration", ""), by="operator"
                )
            except ValidationError as exc:
                _print({"file": path, "errors": exc.messages})
                return 1
            print(
                f"{path}: {result.document['id']} {result.document['version']} "
                f"revision {result.revision}"
            )
        uow.commit()
    return 0


def cmd_samples(args: argparse.Namespace) -> int:
    from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
    from shared.samples.cli_io import write_jsonl

    if args.action == "algorithms":
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for document in SAMPLE_ALGORITHMS:
            (out / f"{document['id']}-{document['version']}.json").write_text(
                json.dumps(document, ensure_ascii=False, indent=2)
            )
        print(f"{len(SAMPLE_ALGORITHMS)} algorithms written to {out}")
    else:
        decisions = generate_decisions(
            args.count, seed=args.seed, divergent_rate=args.divergent_rate
        )
        write_jsonl(Path(args.out), decisions)
        print(f"{len(decisions)} decisions written to {args.out}")
    return 0


def cmd_emit(args: argparse.Namespace) -> int:
    from shared.client import ExpliciteClient
    from shared.samples.cli_io import read_jsonl

    client = ExpliciteClient(amqp_url=args.amqp_url, http_url=args.http_url, api_key=args.api_key)
    report = client.send(read_jsonl(Path(args.file)))
    print(report.summary())
    return 0 if not report.failed and not report.rejected else 1


def cmd_purge(args: argparse.Namespace) -> int:
    """Apply the retention policy now (the workers do it every hour)."""
    from datetime import UTC, datetime, timedelta

    from services.appeals.service_layer.retention import purge_personal_data as appeals_purge
    from services.decision_log.service_layer.retention import purge_personal_data as log_purge

    settings = _settings()
    days = args.days if args.days is not None else settings.personal_data_retention_days or None
    if days is None or days < 0:
        raise SystemExit(
            "no retention period: set EXPLICITE_PERSONAL_DATA_RETENTION_DAYS or "
            "give --days (0: everything received until now)"
        )
    now = datetime.now(UTC)
    before = now - timedelta(days=days)
    purged = {}
    for name, purge in (("decision_log", log_purge), ("appeals", appeals_purge)):
        with _container(name).uow() as uow:
            purged[name] = purge(uow, before, now)
            uow.commit()
    _print({"before": before, "purged": purged})
    return 0


def cmd_explanations(args: argparse.Namespace) -> int:
    """New versions of explanations, after a new default wording or a custom template; or
    the documents not built yet, built now (before a downgrade, or to store them all)."""
    from services.explainer.service_layer.generation import materialize_all
    from services.explainer.service_layer.regenerate import regenerate

    if args.action == "materialize" and args.follow:
        return _build_ahead()
    if args.action == "materialize":
        explainer = _container("explainer")
        try:
            built = materialize_all(explainer.uow, explainer.context)
        finally:
            explainer.engine.dispose()
        print(f"{built} documents built and stored")
        return 0
    if not args.reason:
        raise SystemExit("regenerate needs --reason")

    key = None
    if args.algorithm:
        parts = args.algorithm.split("/")
        if len(parts) != 3 or not all(parts):
            raise SystemExit(
                "--algorithm must be ADMINISTRATION/ID/VERSION, e.g. "
                "ville-exemple/creche-attribution/2026.1"
            )
        key = (parts[0], parts[1], parts[2])
    explainer = _container("explainer")
    try:
        count = regenerate(
            explainer.uow,
            explainer.context,
            reason=args.reason,
            key=key,
            reference=args.reference,
            outdated_only=args.outdated,
        )
    finally:
        explainer.engine.dispose()
    print(f"{count} explanations regenerated; the worker's relay announces them")
    return 0


def _build_ahead() -> int:
    """`explanations materialize --follow`: build the documents not read yet while the
    machine is idle (docs/explainer.md), until SIGTERM or SIGINT."""
    import os
    import signal
    import threading
    import time

    from services.explainer.service_layer.generation import follow

    # The lowest CPU priority: the builder takes only what the workers and the web processes
    # leave, so that a peak of decisions or readings never waits for it.
    os.nice(19)
    stopping = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stopping.set())
    explainer = _container("explainer")
    try:
        stored = follow(
            explainer.uow,
            explainer.context,
            pause=1.0,
            rescan=3600.0,
            stop=stopping.is_set,
            sleep=stopping.wait,
            clock=time.monotonic,
        )
    finally:
        explainer.engine.dispose()
    print(f"{stored} documents built ahead and stored")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """The merged document, for the gateway to serve (deploy/gateway/openapi.json)."""
    from services.openapi import public_spec, render

    Path(args.out).write_text(render(public_spec()))
    print(f"OpenAPI document written to {args.out}")
    return 0


def cmd_rabbitmq_definitions(args: argparse.Namespace) -> int:
    """Render the broker's definitions from the topology and passwords in the environment."""
    import os

    from shared.messaging.definitions import render

    def password(user: str) -> str:
        name = "EXPLICITE_AMQP_PASSWORD_" + user.upper().replace("-", "_")
        value = os.environ.get(name, "")
        if len(value) < 12:
            raise SystemExit(f"{name} must be set (12 characters at least)")
        return value

    settings = Settings(secret_key="x" * 32).with_overrides(
        service_users={
            s: os.environ[f"EXPLICITE_{s.upper()}_AMQP_USER"]
            for s in SERVICES
            if os.environ.get(f"EXPLICITE_{s.upper()}_AMQP_USER")
        }
    )
    services = {s: settings.service_user(s) for s in SERVICES}
    producers = dict(
        pair.split("=", 1)
        for pair in os.environ.get("EXPLICITE_AMQP_PRODUCERS", "").split(",")
        if pair
    )
    admin_user = os.environ.get("EXPLICITE_AMQP_ADMIN_USER")
    admin = (admin_user, password(admin_user)) if admin_user else None
    definitions = render(
        services, producers, {u: password(u) for u in [*services.values(), *producers]}, admin
    )
    Path(args.out).write_text(json.dumps(definitions, indent=2))
    print(f"definitions for {len(definitions['users'])} users written to {args.out}")
    return 0


def cmd_agents(args: argparse.Namespace) -> int:
    """Agents of the review console: create, list, disable, reset a password."""
    from datetime import UTC, datetime

    from services.appeals.service_layer import agents
    from shared.auth.passwords import generate_password

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    with _container("appeals").uow() as uow:
        if args.action == "list":
            _print(
                [
                    {
                        "login": r.id,
                        "administration": r.administration,
                        "name": r.name,
                        "first_name": r.first_name,
                        "last_name": r.last_name,
                        "quality": r.quality,
                        "delegation": r.delegation,
                        "roles": r.roles,
                        "teams": r.teams,
                        "email": r.email,
                        "disabled_at": r.disabled_at,
                        "last_login_at": r.last_login_at,
                    }
                    for r in uow.office.agents(args.administration)
                ]
            )
            return 0
        if not args.login:
            raise SystemExit("--login is required")
        shown = None
        try:
            if args.action == "create":
                if not (args.administration and args.role):
                    raise SystemExit("--administration and at least one --role are required")
                shown = password or generate_password()
                agents.create_agent(
                    uow,
                    args.login,
                    args.administration,
                    args.name or args.login,
                    args.role,
                    shown,
                    datetime.now(UTC),
                    email=args.email,
                    teams=args.team or (),
                    aliases=args.alias or (),
                    **_profile_args(args),
                )
            elif args.action == "update":
                agents.update_profile(uow, args.login, **_profile_args(args))
            elif args.action == "password":
                shown = password or generate_password()
                agents.set_password(uow, args.login, shown)
            else:
                agents.disable(uow, args.login, datetime.now(UTC))
        except ValueError as exc:
            raise SystemExit(str(exc)) from exc
        uow.commit()
    _print(
        {
            "login": args.login,
            "action": args.action,
            **({"password": shown, "note": "shown once"} if shown and not password else {}),
        }
    )
    return 0


def _profile_args(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "first_name": args.first_name,
        "last_name": args.last_name,
        "quality": args.quality,
        "delegation": args.delegation,
    }


def cmd_appeals(args: argparse.Namespace) -> int:
    """How an administration handles appeals: four-eyes validation, routing to teams, teams
    whose dossiers only their members see."""
    from datetime import UTC, datetime

    with _container("appeals").uow() as uow:
        if args.action == "policy":
            uow.office.set_four_eyes(args.administration, args.four_eyes == "on", datetime.now(UTC))
            message = {"administration": args.administration, "four_eyes": args.four_eyes}
        elif args.action == "team":
            if not args.team:
                raise SystemExit("--team is required")
            uow.office.set_need_to_know(
                args.administration, args.team, args.need_to_know == "on", datetime.now(UTC)
            )
            message = {
                "administration": args.administration,
                "team": args.team,
                "need_to_know": args.need_to_know,
            }
        else:
            if not args.algorithm:
                raise SystemExit("--algorithm is required")
            uow.office.set_route(args.administration, args.algorithm, args.team or None)
            message = {
                "administration": args.administration,
                "algorithm": args.algorithm,
                "team": args.team or None,
            }
        uow.commit()
    _print(message)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="explicite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run everything on the embedded default")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--data-dir", default="var")
    run.add_argument("--no-samples", action="store_true")
    run.set_defaults(func=cmd_run)

    migrate = sub.add_parser("migrate", help="migrate the services' databases")
    migrate.add_argument("services", nargs="*", choices=[[], *SERVICES], default=[])
    migrate.set_defaults(func=cmd_migrate)

    worker = sub.add_parser("worker", help="run a service's consumers and outbox relay")
    worker.add_argument("service", choices=SERVICES)
    worker.set_defaults(func=cmd_worker)

    verify = sub.add_parser(
        "verify", help="verify the log's hash chains and the audit trails (exit 1 if one is broken)"
    )
    verify.add_argument("--administration", action="append")
    verify.set_defaults(func=cmd_verify)

    quarantine = sub.add_parser("quarantine", help="list, replay or dismiss set-aside decisions")
    quarantine.add_argument("action", choices=["list", "replay", "dismiss"])
    quarantine.add_argument("ids", nargs="*", type=int)
    quarantine.add_argument(
        "--status", default="pending", choices=["pending", "replayed", "dismissed", "all"]
    )
    quarantine.add_argument("--administration")
    quarantine.add_argument("--category")
    quarantine.add_argument("--limit", type=int, default=100)
    quarantine.add_argument("--reason", default="dismissed by an operator")
    quarantine.set_defaults(func=cmd_quarantine)

    dead = sub.add_parser("dead-letters", help="list or replay a service's dead letters")
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("service", choices=SERVICES)
    dead.add_argument("ids", nargs="*", type=int)
    dead.add_argument("--status", default="pending", choices=["pending", "replayed", "all"])
    dead.set_defaults(func=cmd_dead_letters)

    producers = sub.add_parser("producers", help="AMQP producers and API keys")
    producers.add_argument("action", choices=["add-amqp", "create-key", "revoke-key", "keys"])
    producers.add_argument("--user")
    producers.add_argument("--administration")
    producers.add_argument("--name", default="back office")
    producers.add_argument(
        "--scope", action="append", choices=["decisions:write", "algorithms:write"]
    )
    producers.add_argument("--prefix")
    producers.set_defaults(func=cmd_producers)

    register = sub.add_parser("register", help="register algorithm versions from JSON files")
    register.add_argument("files", nargs="+")
    register.set_defaults(func=cmd_register)

    samples = sub.add_parser("samples", help="write the sample algorithms or decisions")
    samples.add_argument("action", choices=["algorithms", "decisions"])
    samples.add_argument("--out", required=True)
    samples.add_argument("--count", type=int, default=100)
    samples.add_argument("--seed", type=int, default=0)
    samples.add_argument("--divergent-rate", type=float, default=0.0)
    samples.set_defaults(func=cmd_samples)

    emit = sub.add_parser("emit", help="send a JSONL file of decisions, as a back office")
    emit.add_argument("file")
    emit.add_argument("--amqp-url")
    emit.add_argument("--http-url")
    emit.add_argument("--api-key")
    emit.set_defaults(func=cmd_emit)

    purge = sub.add_parser("purge", help="forget personal data older than the retention period")
    purge.add_argument("--days", type=int, help="instead of the configured retention period")
    purge.set_defaults(func=cmd_purge)

    explanations = sub.add_parser(
        "explanations",
        help="regenerate explanations (earlier versions stay readable), or build every "
        "document not built yet (materialize)",
    )
    explanations.add_argument("action", choices=["regenerate", "materialize"])
    explanations.add_argument(
        "--follow",
        action="store_true",
        help="materialize: keep building the documents of new explanations while the machine "
        "is idle (lowest CPU priority), until stopped",
    )
    explanations.add_argument(
        "--reason",
        help="regenerate: why, in French: the person reads it in the list of versions",
    )
    explanations.add_argument(
        "--algorithm",
        metavar="ADMINISTRATION/ID/VERSION",
        help="only the decisions of this algorithm version",
    )
    explanations.add_argument("--reference", help="only this decision")
    explanations.add_argument(
        "--outdated",
        action="store_true",
        help="only decisions whose latest explanation uses an older wording",
    )
    explanations.set_defaults(func=cmd_explanations)

    definitions = sub.add_parser(
        "rabbitmq-definitions", help="write the broker's users, permissions and topology"
    )
    definitions.add_argument("--out", required=True)
    definitions.set_defaults(func=cmd_rabbitmq_definitions)

    openapi = sub.add_parser(
        "openapi", help="write the public origin's merged API document (the gateway serves it)"
    )
    openapi.add_argument("--out", required=True)
    openapi.set_defaults(func=cmd_openapi)

    agents = sub.add_parser("agents", help="agents of the review console (argon2 passwords)")
    agents.add_argument("action", choices=["create", "list", "update", "disable", "password"])
    agents.add_argument("--login")
    agents.add_argument("--administration")
    agents.add_argument("--name")
    agents.add_argument("--email")
    agents.add_argument("--first-name", help="as the letters they sign name them")
    agents.add_argument("--last-name")
    agents.add_argument("--quality", help="e.g. « instructrice du service petite enfance »")
    agents.add_argument("--delegation", help="e.g. « Par délégation du maire, arrêté n° 2026-12 »")
    agents.add_argument(
        "--role",
        action="append",
        choices=["reviewer", "supervisor", "algorithm_owner", "auditor", "admin"],
    )
    agents.add_argument("--team", action="append", help="teams whose appeals they handle")
    agents.add_argument(
        "--alias", action="append", help="another id back offices give this agent in decided_by"
    )
    agents.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of generating one",
    )
    agents.set_defaults(func=cmd_agents)

    appeals = sub.add_parser("appeals", help="four-eyes validation and routing of appeals")
    appeals.add_argument("action", choices=["policy", "route", "team"])
    appeals.add_argument("--administration", required=True)
    appeals.add_argument("--four-eyes", choices=["on", "off"], default="off")
    appeals.add_argument("--algorithm")
    appeals.add_argument("--team", help="empty to remove the route")
    appeals.add_argument(
        "--need-to-know",
        choices=["on", "off"],
        default="off",
        help="team: only its members see its dossiers (any role)",
    )
    appeals.set_defaults(func=cmd_appeals)

    from services.tlog_cli import add_commands

    add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
