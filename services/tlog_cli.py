"""`explicite receipt`, `explicite witness` and `explicite log`: the transparency log's commands.

The first two are for anyone outside (a person, an association, the Défenseur des droits):
they need no database, only the receipt file or the log's public address, and they speak
French. `explicite log` is for the operators of the deployment.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from shared.tlog.checkpoint import open_checkpoint
from shared.tlog.merkle import ProofError
from shared.tlog.note import NoteError, Verifier
from shared.tlog.receipt import Receipt, check_against, check_receipt
from shared.tlog.witness import WitnessRefusal, WitnessState, witness

TIMEOUT = 30


def _say(text: str) -> None:
    print(text, flush=True)


def _refuse(text: str) -> int:
    print(f"ÉCHEC : {text}", file=sys.stderr, flush=True)
    return 1


def _get(url: str) -> str:
    response = requests.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    return response.text


def fetch_consistency(log_url: str) -> Any:
    def fetch(old: int, new: int) -> list[bytes]:
        answer = json.loads(_get(f"{log_url}/consistency?from={old}&to={new}"))
        return [base64.b64decode(h, validate=True) for h in answer["proof"]]

    return fetch


def _log_url(checkpoint_url: str) -> str:
    return checkpoint_url.removesuffix("/checkpoint")


def cmd_receipt_verify(args: argparse.Namespace) -> int:
    try:
        receipt = Receipt.from_json(json.loads(Path(args.file).read_text()))
        key = Verifier.from_vkey(args.key or receipt.log_key)
        witnesses = tuple(Verifier.from_vkey(w) for w in args.witness or ())
        checked = check_receipt(receipt, key, witnesses)
    except (OSError, ValueError) as exc:
        return _refuse(f"le reçu ne prouve rien : {exc}")
    record = checked.record["record"]
    _say(
        f"Reçu valable : la décision {record['decision_id']} ({record['administration']}, "
        f"référence {record['reference']}) est l'entrée n° {checked.record['seq']} du journal "
        f"{checked.checkpoint.origin}, signé à {checked.checkpoint.size} entrées."
    )
    _say(f"Empreinte à comparer avec votre courrier : {checked.fingerprint}")
    if not args.key:
        _say(
            "Attention : la clé du journal vient du reçu lui-même. Comparez-la avec celle que "
            f"l'administration publie ailleurs : {key.vkey}"
        )
    for name in checked.witnesses:
        _say(f"Cosigné par le témoin {name}.")
    if args.checkpoint:
        source = args.checkpoint
        is_url = source.startswith(("http://", "https://"))
        try:
            published, _ = open_checkpoint(
                _get(source) if is_url else Path(source).read_text(), key
            )
            older, newer = sorted((checked.checkpoint, published), key=lambda c: c.size)
            fetch = fetch_consistency(_log_url(source if is_url else receipt.checkpoint_url))
            proof = fetch(older.size, newer.size) if older.size != newer.size else []
            check_against(checked.checkpoint, published, proof)
        except (OSError, ValueError, requests.RequestException) as exc:
            return _refuse(f"le journal publié ne prolonge pas celui de votre reçu : {exc}")
        _say(
            f"Le journal publié ({published.size} entrées) prolonge celui de votre reçu : "
            "votre décision y est toujours, telle quelle."
        )
    return 0


def cmd_witness(args: argparse.Namespace) -> int:
    state = WitnessState(Path(args.state))
    signer = state.signer(args.name)
    log_url = args.log.rstrip("/")
    key = Verifier.from_vkey(args.key) if args.key else state.log_key()
    if key is None:
        key = Verifier.from_vkey(_get(f"{log_url}/key"))
        _say(
            f"Clé du journal retenue à la première visite : {key.vkey}. Vérifiez-la auprès de "
            "l'administration ; elle ne sera plus jamais acceptée autrement."
        )
    state.pin_log_key(key)
    try:
        checkpoint, line = witness(
            state, signer, key, _get(f"{log_url}/checkpoint"), fetch_consistency(log_url)
        )
    except (WitnessRefusal, NoteError, ProofError) as exc:
        print(f"REFUS : {exc}", file=sys.stderr, flush=True)
        return 2
    response = requests.post(
        f"{log_url}/cosignatures",
        data=((state.last() or "") + line).encode(),
        headers={"Content-Type": "text/plain; charset=utf-8"},
        timeout=TIMEOUT,
    )
    _say(
        f"Point de contrôle vérifié et cosigné : {checkpoint.origin}, {checkpoint.size} "
        f"entrées. Clé de ce témoin, à faire enregistrer : {signer.verifier.vkey}"
    )
    if response.status_code != 200:
        _say(
            f"Le journal n'a pas accepté la cosignature ({response.status_code}) : "
            f"{response.text[:300]}. Votre témoin est-il enregistré ? Sa clé : "
            f"{signer.verifier.vkey}"
        )
        return 3
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from services.cli import _container, _print
    from services.decision_log.service_layer.transparency import issue_checkpoints
    from shared.tlog.keys import create_key_file, load_keys

    if args.action == "keygen":
        # Idempotent, so that a deployment can run it on every start: an existing key is kept.
        out = Path(args.out)
        signer = load_keys([out])[0] if out.exists() else create_key_file(out, args.name)
        _print({"key_file": args.out, "public_key": signer.verifier.vkey})
        return 0
    app = _container("decision_log")
    now = datetime.now(UTC)
    with app.uow() as uow:
        if args.action == "checkpoint":
            config = replace(app.config, log_checkpoint_seconds=0)
            issued = issue_checkpoints(uow, config, app.log_keys, now)
            result: Any = [c.note for c in issued]
        elif args.action == "add-witness":
            result = uow.checkpoints.add_witness(args.value, now).vkey
        elif args.action == "revoke-witness":
            result = uow.checkpoints.revoke_witness(args.value, now)
        else:
            result = [w.vkey for w in uow.checkpoints.witnesses()]
        uow.commit()
    _print(result)
    return 0


def add_commands(sub: Any) -> None:
    receipt = sub.add_parser("receipt", help="vérifier un reçu de décision (aucune base requise)")
    receipt.add_argument("action", choices=["verify"])
    receipt.add_argument("file")
    receipt.add_argument("--checkpoint", help="le point de contrôle publié : fichier ou URL")
    receipt.add_argument("--key", help="la clé publique du journal (sinon celle du reçu)")
    receipt.add_argument("--witness", action="append", help="la clé d'un témoin à reconnaître")
    receipt.set_defaults(func=cmd_receipt_verify)

    watch = sub.add_parser("witness", help="témoin : vérifier et cosigner le journal")
    watch.add_argument(
        "--log", required=True, help="adresse du journal, https://…/api/v1/log/<administration>"
    )
    watch.add_argument("--state", required=True, help="dossier où le témoin garde son état")
    watch.add_argument("--key", help="la clé publique du journal, obtenue par ailleurs")
    watch.add_argument(
        "--name", default="temoin.example", help="nom de la clé du témoin, à sa création"
    )
    watch.set_defaults(func=cmd_witness)

    log = sub.add_parser("log", help="the transparency log: keys, checkpoints, witnesses")
    log.add_argument(
        "action", choices=["keygen", "checkpoint", "add-witness", "revoke-witness", "witnesses"]
    )
    log.add_argument("value", nargs="?", help="a witness's vkey (add) or name (revoke)")
    log.add_argument("--out", help="keygen: the key file, created if missing (never overwritten)")
    log.add_argument("--name", default="explicite", help="keygen: the key's name")
    log.set_defaults(func=cmd_log)
