"""Personal data is purged under the retention policy; the log still verifies afterwards."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from services import cli
from services.appeals.adapters import tables as ap
from services.decision_log.adapters import tables as dl
from services.decision_log.service_layer.audit import verify_log
from tests.integration.security.world import PDF, World


def test_a_purge_forgets_contacts_and_letters_and_keeps_the_chain_verifiable(
    world: World, monkeypatch, capsys
):
    decision_log = world.system.containers["decision_log"]
    appeals = world.system.containers["appeals"]
    with appeals.engine.begin() as connection:  # the other side's appeal has been decided
        connection.execute(
            update(ap.appeals)
            .where(ap.appeals.c.public_id == world.other.appeal_id)
            .values(status="decided")
        )
    settings = world.system.settings
    monkeypatch.setenv("EXPLICITE_SECRET_KEY", settings.secret_key)
    for service, url in settings.database_urls.items():
        monkeypatch.setenv(f"EXPLICITE_{service.upper()}_DATABASE_URL", url)
    capsys.readouterr()

    assert cli.main(["purge", "--days", "0"]) == 0  # everything received until now

    purged = json.loads(capsys.readouterr().out)["purged"]
    assert purged["decision_log"]["contacts"] >= 2
    # The decided appeal's decision and each side's uncontested one.
    assert purged["appeals"] == {"appeals": 1, "decisions": 3}
    with decision_log.engine.connect() as connection:
        assert set(connection.scalars(select(dl.contacts.c.contact))) == {None}
        assert set(connection.scalars(select(dl.quarantine.c.body))) == {b""}
    with decision_log.uow() as uow:
        assert all(report.intact for report in verify_log(uow))
    with appeals.engine.connect() as connection:
        contacts = dict(
            connection.execute(select(ap.appeals.c.public_id, ap.appeals.c.contact)).all()
        )
        files = sorted(len(d) for d in connection.scalars(select(ap.attachments.c.data)))
    assert contacts[world.other.appeal_id] == {}
    assert contacts[world.own.appeal_id]["email"] == "personne@example.org"  # still open
    assert files == [0, len(PDF)]
