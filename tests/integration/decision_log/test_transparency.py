"""The transparency log on a real (SQLite) database: trees, checkpoints, receipts, witnesses."""

from __future__ import annotations

import ast
import base64
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from werkzeug.serving import make_server

from services import cli
from services.decision_log.adapters import tables as t
from services.decision_log.bootstrap import DecisionLog
from services.decision_log.config import DecisionLogConfig
from services.decision_log.entrypoints.web import create_app
from services.decision_log.service_layer.producers import create_api_key
from services.decision_log.service_layer.transparency import (
    build_missing_trees,
    issue_checkpoints,
    log_key,
    verify_tree,
)
from shared.config import Settings
from shared.tlog.checkpoint import Checkpoint, check_extends
from shared.tlog.keys import create_key_file
from shared.tlog.merkle import consistency_proof, tree_root
from shared.tlog.note import ED25519, Signer, Verifier, parse_note
from shared.tlog.receipt import Receipt, ReceiptError, check_receipt
from shared.tlog.witness import WitnessRefusal, WitnessState, witness
from tests.integration.decision_log.conftest import SECRET
from tests.integration.decision_log.test_ingest import send
from tests.support import builders

ADMINISTRATION = builders.ADMINISTRATION


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        secret_key=SECRET,
        transport="memory",
        database_urls={"decision_log": f"sqlite:///{tmp_path / 'dl.db'}"},
        public_url="http://explicite.test",
    )


@pytest.fixture
def config(settings: Settings, tmp_path: Path) -> DecisionLogConfig:
    key = tmp_path / "log_signing_key"
    create_key_file(key, "explicite.test")
    env = {"EXPLICITE_LOG_KEY_FILE": str(key), "EXPLICITE_LOG_CHECKPOINT_SECONDS": "0"}
    return DecisionLogConfig.from_env(settings, env)


def log_decisions(decision_log: DecisionLog, numbers: range) -> list[str]:
    return [send(decision_log, builders.decision(n)).reference for n in numbers]


def checkpoint(decision_log: DecisionLog) -> None:
    with decision_log.uow() as uow:
        issue_checkpoints(uow, decision_log.config, decision_log.log_keys, datetime.now(UTC))
        uow.commit()


def test_each_record_is_a_leaf_and_a_checkpoint_signs_the_tree(decision_log):
    log_decisions(decision_log, range(1, 8))
    checkpoint(decision_log)
    with decision_log.uow() as uow:
        latest = uow.checkpoints.latest(ADMINISTRATION)
        assert latest is not None and latest.size == 7
        assert tree_root(7, uow.tree.reader(ADMINISTRATION)) == latest.root
        assert verify_tree(uow, ADMINISTRATION).problems == ()
    note = parse_note(latest.note)
    assert Checkpoint.from_text(note.text).origin == "explicite.test/log/" + ADMINISTRATION
    checkpoint(decision_log)  # nothing new: no second checkpoint
    with decision_log.uow() as uow:
        assert len(uow.checkpoints.listing(ADMINISTRATION, limit=10)) == 1


def test_a_checkpoint_waits_for_its_interval(decision_log):
    log_decisions(decision_log, range(1, 3))
    checkpoint(decision_log)
    log_decisions(decision_log, range(3, 5))
    slow = replace(decision_log.config, log_checkpoint_seconds=60)
    with decision_log.uow() as uow:
        assert issue_checkpoints(uow, slow, decision_log.log_keys, datetime.now(UTC)) == []


def test_the_migration_builds_the_same_trees_from_the_chains(decision_log):
    log_decisions(decision_log, range(1, 12))
    with decision_log.uow() as uow:
        before = tree_root(11, uow.tree.reader(ADMINISTRATION))
        uow.session.execute(delete(t.tlog.nodes))
        uow.commit()
    with decision_log.engine.begin() as connection:
        assert build_missing_trees(connection) == {ADMINISTRATION: 11}
        assert build_missing_trees(connection) == {}
    with decision_log.uow() as uow:
        assert tree_root(11, uow.tree.reader(ADMINISTRATION)) == before
        assert verify_tree(uow, ADMINISTRATION).problems == ()
    log_decisions(decision_log, range(12, 14))  # and appending goes on from there
    with decision_log.uow() as uow:
        assert verify_tree(uow, ADMINISTRATION).problems == ()


def test_verify_finds_a_record_that_no_longer_matches_its_leaf(decision_log):
    log_decisions(decision_log, range(1, 6))
    checkpoint(decision_log)
    with decision_log.uow() as uow:
        uow.session.execute(
            update(t.decisions)
            .where(t.decisions.c.seq == 3)
            .values(
                outcome_code="attribution", replay_status="consistent", body=builders.decision(99)
            )
        )
        uow.commit()
    with decision_log.uow() as uow:
        problems = verify_tree(uow, ADMINISTRATION).problems
    assert len(problems) == 1 and "leaf 2" in problems[0]


@pytest.fixture
def client(decision_log):
    app = create_app(decision_log.settings, decision_log)
    with app.test_client() as client:
        yield client


def as_usager(client, *references: str) -> None:
    with client.session_transaction() as session:
        session["usager"] = {"refs": list(references), "at": time.time()}


def test_the_person_downloads_a_receipt_that_anyone_can_check(decision_log, client):
    references = log_decisions(decision_log, range(1, 6))
    as_usager(client, references[2])
    assert (
        client.get(f"/api/v1/log/{ADMINISTRATION}/proof/{references[2]}").json["error"]["code"]
        == "not_yet_checkpointed"
    )
    checkpoint(decision_log)
    response = client.get(f"/api/v1/log/{ADMINISTRATION}/proof/{references[2]}?download=1")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    receipt = Receipt.from_json(response.json)
    published = client.get(f"/api/v1/log/{ADMINISTRATION}/checkpoint").get_data(as_text=True)
    key = client.get(f"/api/v1/log/{ADMINISTRATION}/key").get_data(as_text=True)
    checked = check_receipt(receipt, key_of(key))
    assert checked.record["record"]["reference"] == references[2]
    assert published.startswith(receipt.checkpoint.split("\n\n")[0])
    with decision_log.uow() as uow:
        chain_hash = uow.decisions.by_reference(references[2]).hash
    assert checked.fingerprint.replace(" ", "").lower() == chain_hash[:16]
    # Someone else's decision: as unknown as a decision that does not exist.
    assert client.get(f"/api/v1/log/{ADMINISTRATION}/proof/{references[3]}").status_code == 404
    forged = dict(response.json, entry=response.json["entry"].replace('"seq":3', '"seq":4'))
    with pytest.raises(ReceiptError):
        check_receipt(Receipt.from_json(forged), key_of(key))


def key_of(vkey: str) -> Verifier:
    return Verifier.from_vkey(vkey)


def test_back_offices_and_agents_of_the_administration_get_proofs(decision_log, client):
    references = log_decisions(decision_log, range(1, 4))
    checkpoint(decision_log)
    with decision_log.uow() as uow:
        own = create_api_key(uow, ADMINISTRATION, "bo", ("decisions:write",))
        other = create_api_key(uow, "autre-ville", "bo", ("decisions:write",))
        uow.commit()
    path = f"/api/v1/log/{ADMINISTRATION}/proof/{references[0]}"
    assert client.get(path, headers={"Authorization": f"Bearer {own}"}).status_code == 200
    assert client.get(path, headers={"Authorization": f"Bearer {other}"}).status_code == 404
    assert client.get(path).status_code == 401
    with client.session_transaction() as session:
        session["agent"] = {
            "id": "a1",
            "administration": ADMINISTRATION,
            "roles": ["auditor"],
            "at": time.time(),
        }
    assert client.get(path).status_code == 200


def test_open_data_lists_checkpoints_and_proves_consistency(decision_log, client):
    log_decisions(decision_log, range(1, 4))
    checkpoint(decision_log)
    log_decisions(decision_log, range(4, 10))
    checkpoint(decision_log)
    listing = client.get(f"/api/v1/log/{ADMINISTRATION}/checkpoints").json
    assert [c["size"] for c in listing] == [9, 3]
    proof = client.get(f"/api/v1/log/{ADMINISTRATION}/consistency?from=3&to=9").json["proof"]
    old = Checkpoint.from_text(parse_note(listing[1]["note"]).text)
    new = Checkpoint.from_text(parse_note(listing[0]["note"]).text)
    check_extends(old, new, [base64.b64decode(h) for h in proof])
    assert client.get(f"/api/v1/log/{ADMINISTRATION}/consistency?from=3&to=10").status_code == 400
    assert client.get("/api/v1/log/nulle-part/checkpoint").status_code == 404
    assert client.get("/api/v1/log/NOT%20A%20SLUG/checkpoints").status_code == 404


def test_a_registered_witness_cosigns_and_its_cosignature_is_published(
    decision_log, client, tmp_path
):
    log_decisions(decision_log, range(1, 4))
    checkpoint(decision_log)
    state = WitnessState(tmp_path / "witness")
    signer = state.signer("asso.example/temoin")
    key = key_of(client.get(f"/api/v1/log/{ADMINISTRATION}/key").get_data(as_text=True))

    def proofs(old: int, new: int) -> list[bytes]:
        answer = client.get(f"/api/v1/log/{ADMINISTRATION}/consistency?from={old}&to={new}")
        return [base64.b64decode(h) for h in answer.json["proof"]]

    published = client.get(f"/api/v1/log/{ADMINISTRATION}/checkpoint").get_data(as_text=True)
    _, line = witness(state, signer, key, published, proofs)
    body = (state.last() or "") + line
    url = f"/api/v1/log/{ADMINISTRATION}/cosignatures"
    assert client.post(url, data=body, content_type="text/plain").status_code == 403
    with decision_log.uow() as uow:
        uow.checkpoints.add_witness(signer.verifier.vkey, datetime.now(UTC))
        uow.commit()
    answer = client.post(url, data=body, content_type="text/plain")
    assert answer.status_code == 200 and answer.json == {"accepted": ["asso.example/temoin"]}
    assert client.post(url, data=body, content_type="text/plain").status_code == 200  # again
    cosigned = client.get(f"/api/v1/log/{ADMINISTRATION}/checkpoint").get_data(as_text=True)
    assert parse_note(cosigned).verified_by(signer.verifier)
    listing = client.get(f"/api/v1/log/{ADMINISTRATION}/checkpoints").json
    assert listing[0]["cosignatures"][0]["witness"] == "asso.example/temoin"
    # A cosignature of a checkpoint the log never issued is refused.
    stranger = Signer.generate("explicite.test/log/" + ADMINISTRATION)
    fake = str(parse_note(published)).replace(
        published.split("\n")[2], base64.b64encode(bytes(32)).decode()
    )
    assert (
        client.post(
            url,
            data=fake.split("\n\n")[0]
            + "\n\n"
            + stranger.signature_line(fake.split("\n\n")[0] + "\n")
            + line,
            content_type="text/plain",
        ).status_code
        == 404
    )
    assert client.post(url, data="pas une note", content_type="text/plain").status_code == 400


def test_a_witness_refuses_a_log_that_rewrote_its_history(decision_log, tmp_path):
    log_decisions(decision_log, range(1, 6))
    checkpoint(decision_log)
    state = WitnessState(tmp_path / "witness")
    signer = state.signer("asso.example/temoin")
    with decision_log.uow() as uow:
        first = uow.checkpoints.latest(ADMINISTRATION)
    assert first is not None
    key = log_key(decision_log.config, decision_log.log_keys, ADMINISTRATION)

    def proofs(old: int, new: int) -> list[bytes]:
        with decision_log.uow() as uow:
            return consistency_proof(old, new, uow.tree.reader(ADMINISTRATION))

    witness(state, signer, key, first.note, proofs)
    # Someone with write access rewrites record 2 and recomputes every node and hash.
    with decision_log.uow() as uow:
        uow.session.execute(
            update(t.decisions)
            .where(t.decisions.c.seq == 2)
            .values(body={**builders.decision(2), "score": 99})
        )
        uow.session.execute(delete(t.tlog.nodes))
        uow.session.execute(delete(t.tlog.checkpoints))
        uow.commit()
    with decision_log.engine.begin() as connection:
        build_missing_trees(connection)
    log_decisions(decision_log, range(6, 8))
    checkpoint(decision_log)
    with decision_log.uow() as uow:
        rewritten = uow.checkpoints.latest(ADMINISTRATION)
    assert rewritten is not None and rewritten.size == 7
    with pytest.raises(WitnessRefusal, match="réécrite"):
        witness(state, signer, key, rewritten.note, proofs)
    assert list((tmp_path / "witness").glob("refused-*.txt"))
    # What the witness holds is still the checkpoint it verified.
    assert state.last() == first.note


SCRIPT = Path(__file__).resolve().parents[3] / "tools" / "verifier-recu.py"


def run_script(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The association's way: a copy of the script, no Explicite on the path, no settings."""
    copy = tmp_path / "verifier-recu.py"
    copy.write_text(SCRIPT.read_text())
    return subprocess.run(
        [sys.executable, "-I", str(copy), *args],
        cwd=tmp_path,
        env={},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_standalone_script_needs_only_the_standard_library_and_cryptography():
    tree = ast.parse(SCRIPT.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported - set(sys.stdlib_module_names) == {"cryptography"}
    assert len(SCRIPT.read_text().splitlines()) < 200


def test_the_standalone_script_verifies_a_receipt_and_detects_a_fork(
    decision_log, client, tmp_path
):
    references = log_decisions(decision_log, range(1, 12))
    checkpoint(decision_log)
    as_usager(client, references[6])
    receipt = client.get(f"/api/v1/log/{ADMINISTRATION}/proof/{references[6]}").json
    (tmp_path / "recu.json").write_text(json.dumps(receipt))
    key = client.get(f"/api/v1/log/{ADMINISTRATION}/key").get_data(as_text=True).strip()
    published = client.get(f"/api/v1/log/{ADMINISTRATION}/checkpoint").get_data(as_text=True)
    (tmp_path / "publie.txt").write_text(published)
    result = run_script(tmp_path, "recu.json", "--cle", key, "--point-de-controle", "publie.txt")
    assert result.returncode == 0, result.stderr
    assert f"entrée n° 7 du journal explicite.test/log/{ADMINISTRATION}" in result.stdout
    assert receipt["fingerprint"] in result.stdout
    # The operator signs a second checkpoint of the same size with another root: a fork.
    origin = f"explicite.test/log/{ADMINISTRATION}"
    forked = Checkpoint(origin, 11, bytes(32)).text
    signer = Signer(origin, ED25519, decision_log.log_keys[0].private_key)
    (tmp_path / "fourche.txt").write_text(forked + "\n" + signer.signature_line(forked))
    result = run_script(tmp_path, "recu.json", "--cle", key, "--point-de-controle", "fourche.txt")
    assert result.returncode == 1 and "même taille" in result.stderr
    # A receipt whose record was edited, or checked against another key, proves nothing.
    edited = dict(
        receipt, entry=receipt["entry"].replace('"favourable":false', '"favourable":true')
    )
    (tmp_path / "modifie.json").write_text(json.dumps(edited))
    assert run_script(tmp_path, "modifie.json", "--cle", key).returncode == 1
    stranger = Signer.generate(origin).verifier.vkey
    assert run_script(tmp_path, "recu.json", "--cle", stranger).returncode == 1


@pytest.fixture
def served(decision_log: DecisionLog) -> Iterator[str]:
    """decision_log over real HTTP: the commands below are outside programs."""
    server = make_server(
        "127.0.0.1", 0, create_app(decision_log.settings, decision_log), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_witness_and_receipt_commands_work_over_http(
    decision_log, served, client, tmp_path, capsys
):
    log_url = f"{served}/api/v1/log/{ADMINISTRATION}"
    state = tmp_path / "temoin"
    witness_run = [
        "witness",
        "--log",
        log_url,
        "--state",
        str(state),
        "--name",
        "asso.example/temoin",
    ]
    references = log_decisions(decision_log, range(1, 6))
    checkpoint(decision_log)
    assert cli.main(witness_run) == 3  # verified and kept, but not registered yet
    vkey = WitnessState(state).signer("unused").verifier.vkey
    assert vkey in capsys.readouterr().out
    with decision_log.uow() as uow:
        uow.checkpoints.add_witness(vkey, datetime.now(UTC))
        uow.commit()
    log_decisions(decision_log, range(6, 10))
    checkpoint(decision_log)
    assert cli.main(witness_run) == 0  # consistent with the 5 leaves it saw: cosigned

    as_usager(client, references[1])
    receipt = tmp_path / "recu.json"
    receipt.write_text(
        client.get(f"/api/v1/log/{ADMINISTRATION}/proof/{references[1]}").get_data(as_text=True)
    )
    log_decisions(decision_log, range(10, 13))
    checkpoint(decision_log)
    assert (
        cli.main(
            [
                "receipt",
                "verify",
                str(receipt),
                "--checkpoint",
                f"{log_url}/checkpoint",
                "--witness",
                vkey,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Cosigné par le témoin asso.example/temoin" in out
    assert "Le journal publié (12 entrées) prolonge celui de votre reçu" in out

    # History rewritten and recomputed: the witness refuses, the receipt fails.
    with decision_log.uow() as uow:
        uow.session.execute(
            update(t.decisions)
            .where(t.decisions.c.seq == 2)
            .values(body={**builders.decision(2), "score": 1})
        )
        uow.session.execute(delete(t.tlog.nodes))
        uow.session.execute(delete(t.tlog.cosignatures))
        uow.session.execute(delete(t.tlog.checkpoints))
        uow.commit()
    with decision_log.engine.begin() as connection:
        build_missing_trees(connection)
    log_decisions(decision_log, range(13, 15))
    checkpoint(decision_log)
    assert cli.main(witness_run) == 2
    assert "REFUS" in capsys.readouterr().err
    assert (
        cli.main(["receipt", "verify", str(receipt), "--checkpoint", f"{log_url}/checkpoint"]) == 1
    )
