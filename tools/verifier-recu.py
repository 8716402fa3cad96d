#!/usr/bin/env python3
"""Vérifier un reçu de décision d'Explicite, sans installer Explicite.

    python3 verifier-recu.py recu.json
    python3 verifier-recu.py recu.json --cle "<clé publique du journal>"
    python3 verifier-recu.py recu.json --point-de-controle https://…/api/v1/log/<administration>/checkpoint

Le reçu dit : « cette décision est l'entrée n° N du journal, dont l'administration a signé
l'état ». Ce programme le vérifie lui-même, pas à pas : la signature (Ed25519, format C2SP
signed-note), puis le chemin de hachés qui relie la décision à la racine signée (RFC 9162).
Avec --point-de-controle, il vérifie aussi que le journal publié aujourd'hui prolonge celui du
reçu : que rien n'a été retiré ni réécrit depuis. Il ne faut que Python 3 et le paquet
`cryptography` (pip install cryptography).

Code de sortie : 0 si tout est vérifié, 1 sinon.
"""

import argparse
import base64
import hashlib
import json
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Failure(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).digest()


# --- The signed checkpoint (c2sp.org/signed-note and c2sp.org/tlog-checkpoint) ---------------

def read_key(vkey):
    """A verifier key `name+keyid+base64(0x01 || public key)`: returns (name, key ID, key)."""
    name, key_id, material = vkey.strip().split("+", 2)
    material = base64.b64decode(material)
    if material[0] != 0x01 or len(material) != 33:
        raise Failure("la clé n'est pas une clé Ed25519")
    # The key ID is the first 4 bytes of SHA-256(name, newline, type byte, public key).
    if sha256(name.encode() + b"\n" + material)[:4].hex() != key_id:
        raise Failure("la clé est abîmée : son identifiant ne correspond pas")
    return name, bytes.fromhex(key_id), material[1:]


def read_checkpoint(note, vkey):
    """Check the log's signature on a checkpoint; returns (origin, tree size, root hash)."""
    name, key_id, public_key = read_key(vkey)
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    signed = False
    for line in signatures.splitlines():
        signer, _, signature = line.removeprefix("\u2014 ").partition(" ")
        signature = base64.b64decode(signature)
        if signer == name and signature[:4] == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(public_key).verify(signature[4:],
                                                                      text.encode())
            except InvalidSignature:
                raise Failure("la signature du journal est fausse") from None
            signed = True
        # Other lines are other signers (witnesses): not needed for this check.
    if not signed:
        raise Failure("le point de contrôle n'est pas signé par cette clé")
    origin, size, root = text.splitlines()[:3]
    if origin != name:
        raise Failure("le point de contrôle est celui d'un autre journal")
    return origin, int(size), base64.b64decode(root)


# --- Merkle tree proofs (RFC 9162, sections 2.1.3.2 and 2.1.4.2) ------------------------------

def node(left, right):
    return sha256(b"\x01" + left + right)


def check_inclusion(leaf, index, size, proof, root):
    if index >= size:
        raise Failure("l'entrée est hors du journal")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Failure("le chemin de hachés est trop long")
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = node(r, p)
        fn, sn = fn // 2, sn // 2
    if sn != 0 or r != root:
        raise Failure("le chemin de hachés ne mène pas à la racine signée")


def check_consistency(old, new, old_root, new_root, proof):
    if old == new:
        if old_root != new_root or proof:
            raise Failure("deux états différents du journal pour la même taille")
        return
    if not 0 < old < new or not proof:
        raise Failure("le journal publié est plus petit que celui du reçu")
    path = ([old_root] if old & (old - 1) == 0 else []) + proof
    fn, sn = old - 1, new - 1
    while fn % 2 == 1:
        fn, sn = fn // 2, sn // 2
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Failure("la preuve de cohérence est trop longue")
        if fn % 2 == 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            sr = node(sr, c)
        fn, sn = fn // 2, sn // 2
    if sn != 0 or fr != old_root or sr != new_root:
        raise Failure("le journal publié ne prolonge pas celui du reçu : il a été réécrit")


# --- The receipt --------------------------------------------------------------------------------

def fetch(source):
    """A file's text, or a web address's."""
    if not source.startswith(("http://", "https://")):
        with open(source, encoding="utf-8") as file:
            return file.read()
    with urllib.request.urlopen(source, timeout=30) as answer:  # noqa: S310 (the user's URL)
        return answer.read().decode()


def verify(receipt, vkey, published_source):
    entry = receipt["entry"].encode()
    head, _, checkpoint = receipt["proof"].partition("\n\n")
    lines = head.splitlines()
    if lines[0] != "c2sp.org/tlog-proof@v1":
        raise Failure("ce fichier n'est pas un reçu")
    index = int(lines[1].removeprefix("index "))
    proof = [base64.b64decode(line) for line in lines[2:]]

    origin, size, root = read_checkpoint(checkpoint, vkey)
    # The leaf is SHA-256(0x00 || entry): the decision's record exactly as it was logged.
    check_inclusion(sha256(b"\x00" + entry), index, size, proof, root)
    record = json.loads(entry)
    if record["record"]["reference"] != receipt["reference"] or record["seq"] != index + 1:
        raise Failure("l'entrée n'est pas celle de cette décision")
    print(f"OK : la décision {record['record']['decision_id']} (référence "
          f"{receipt['reference']}) est l'entrée n° {index + 1} du journal {origin}, "
          f"signé par l'administration à {size} entrées.")
    print("Empreinte à comparer avec celle de votre courrier : "
          + " ".join(hashlib.sha256(entry).hexdigest()[i:i + 4].upper() for i in (0, 4, 8, 12)))

    if published_source:
        is_url = published_source.startswith(("http://", "https://"))
        _, new_size, new_root = read_checkpoint(fetch(published_source), vkey)
        (old, old_root), (new, new_root) = sorted([(size, root), (new_size, new_root)])
        proof = []
        if old != new:
            log = (published_source if is_url else receipt["checkpoint_url"])
            answer = json.loads(fetch(log.removesuffix("/checkpoint")
                                      + f"/consistency?from={old}&to={new}"))
            proof = [base64.b64decode(h) for h in answer["proof"]]
        check_consistency(old, new, old_root, new_root, proof)
        print(f"OK : le journal publié ({new_size} entrées) prolonge celui du reçu ; "
              "votre décision y est toujours, telle quelle.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("recu", help="le fichier du reçu (JSON)")
    parser.add_argument("--cle", help="la clé publique du journal, obtenue ailleurs que dans "
                                      "le reçu (sinon celle du reçu est utilisée)")
    parser.add_argument("--point-de-controle", help="le point de contrôle publié : fichier "
                                                    "ou adresse https://…/checkpoint")
    args = parser.parse_args()
    try:
        receipt = json.loads(fetch(args.recu))
        if not args.cle:
            print("Attention : la clé du journal est prise dans le reçu lui-même. Comparez-la "
                  f"avec celle que l'administration publie ailleurs : {receipt['log_key']}")
        verify(receipt, args.cle or receipt["log_key"], args.point_de_controle)
    except (Failure, ValueError, KeyError, IndexError, OSError) as problem:
        print(f"ÉCHEC : {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
