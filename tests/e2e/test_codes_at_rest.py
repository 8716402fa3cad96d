"""No access code rests in PostgreSQL, in its tables or its write-ahead log, nor in any log, after
decisions are logged over RabbitMQ, delivered to their back office and opened by the person
(issue 11: decision.logged carried the code through the outbox table, so the code sat in the
WAL, and would sit in its archives and backups)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from shared.auth.tokens import normalize_code
from shared.samples import generate_decisions
from tests.e2e.conftest import RunningSystem
from tests.logs import every_log_line

pytestmark = pytest.mark.infra
ADMINISTRATION = "ville-exemple"

# Values longer than about 2 kB are compressed by PostgreSQL (TOAST), and a compressed value
# would hide a code from a byte scan of the WAL. Stored uncompressed, as here, every value
# reads as written: the scan then proves what it finds and what it does not.
UNCOMPRESSED = """
SELECT format('ALTER TABLE %I ALTER COLUMN %I SET STORAGE EXTERNAL', table_name, column_name)
FROM information_schema.columns
WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'jsonb', 'json',
                                                'character varying')
\\gexec
"""
EVERY_ROW = """
SELECT format('SELECT %L || '' '' || coalesce(string_agg(t::text, E''\\n''), '''') FROM %I t',
              table_name, table_name)
FROM information_schema.tables WHERE table_schema = 'public'
\\gexec
"""


def databases(running_system: RunningSystem) -> list[str]:
    return [
        str(make_url(url).database) for url in running_system.system.settings.database_urls.values()
    ]


def refused_decisions(count: int) -> list[dict[str, Any]]:
    found = []
    for decision in generate_decisions(60, seed=4242):
        if decision["administration"] == ADMINISTRATION:
            decision["decision_id"] = f"REST-{uuid.uuid4().hex[:10]}"
            found.append(decision)
        if len(found) == count:
            return found
    raise AssertionError("not enough sample decisions")


def test_no_access_code_in_postgresql_its_wal_or_the_logs(
    running_system: RunningSystem, postgres: Any
):
    for database in databases(running_system):
        postgres.psql(UNCOMPRESSED, database)
    with every_log_line() as logs:
        back_office = running_system.back_offices[ADMINISTRATION]
        decisions = refused_decisions(3)
        back_office.publish(decisions)
        logged = [
            back_office.wait_event(
                "decision.logged", lambda d, i=d["decision_id"]: d["decision"]["decision_id"] == i
            )
            for d in decisions
        ]
        codes = [event["access_code"] for event in logged]
        assert all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", c) for c in codes)
        back_office.wait_event(
            "explanation.generated", lambda d: d["reference"] == logged[0]["reference"]
        )
        browser = running_system.browser()
        home = browser.get("/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
        opened = browser.post(
            "/", data={"csrf_token": token, "reference": logged[0]["reference"], "code": codes[0]}
        )
        assert opened.status_code == 303
        assert browser.get(f"/d/{logged[0]['reference']}").status_code == 200
    postgres.psql("CHECKPOINT")
    wal = b"".join(
        path.read_bytes()
        for path in sorted(Path(postgres.base_dir, "pgdata", "data", "pg_wal").resolve().glob("0*"))
    )
    rows = "\n".join(
        postgres.psql(EVERY_ROW, database) for database in databases(running_system)
    ).encode()
    where = {"WAL": wal, "tables": rows, "logs": logs.text}
    # What the scans see: the references are written in the tables and in the WAL.
    assert all(
        event["reference"].encode() in wal and event["reference"].encode() in rows
        for event in logged
    )
    found = {
        (name, code)
        for code in codes
        for name, content in where.items()
        if code.encode() in content or normalize_code(code).encode() in content
    }
    assert not found, found
    print(
        f"\ncodes at rest on PostgreSQL: {len(codes)} codes looked for in "
        f"{len(wal) // 2**20} MiB of WAL, {len(rows) // 1024} KiB of rows and "
        f"{len(logs.lines)} log lines: none found"
    )
