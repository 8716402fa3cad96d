"""Signed notes, keys, checkpoints and cosignatures, against the published examples."""

import base64

import pytest

from shared.tlog.checkpoint import Checkpoint, check_extends, open_checkpoint
from shared.tlog.merkle import ProofError
from shared.tlog.note import (
    COSIGNATURE_V1,
    ED25519,
    NoteError,
    Signer,
    Verifier,
    parse_note,
    sign_note,
)

# golang.org/x/mod/sumdb/note, example_test.go: a key, a text and its (deterministic) signature.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)

# c2sp.org/signed-note, "Example".
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6Tf"
    "Xppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

# c2sp.org/tlog-cosignature, the example checkpoint with a log signature and a cosignature.
C2SP_COSIGNED = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhc"
    "yv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJs"
    "X3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)


def test_signing_reproduces_the_go_example_byte_for_byte():
    signer = Signer.from_skey(GO_SKEY)
    assert signer.verifier.vkey == GO_VKEY
    assert signer.skey == GO_SKEY
    assert signer.signature_line(GO_TEXT) == GO_SIGNATURE
    assert str(sign_note(GO_TEXT, signer)) == GO_TEXT + "\n" + GO_SIGNATURE


def test_the_go_and_c2sp_examples_verify():
    note = parse_note(GO_TEXT + "\n" + GO_SIGNATURE)
    assert note.verified_by(Verifier.from_vkey(GO_VKEY)) == 0
    note = parse_note(C2SP_NOTE)
    assert note.text == "This is an example message.\n"
    assert note.verified_by(Verifier.from_vkey(C2SP_VKEY)) == 0


def test_a_known_key_whose_signature_fails_rejects_the_note():
    note = parse_note(C2SP_NOTE.replace("example message", "example massage"))
    with pytest.raises(NoteError):
        note.verified_by(Verifier.from_vkey(C2SP_VKEY))


def test_unknown_keys_are_ignored():
    other = Signer.generate("example.com/foo")  # same name, another key: another key ID
    note = parse_note(C2SP_NOTE)
    assert note.verified_by(other.verifier) is None
    assert note.verified_by(Verifier.from_vkey(C2SP_VKEY)) == 0


def test_published_cosigner_keys_have_the_cosignature_key_id():
    # transparency-dev/formats note_cosigv1_test.go: a native cosignature/v1 verifier key.
    verifier = Verifier.from_vkey(
        "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
    )
    assert verifier.kind == COSIGNATURE_V1


def test_the_c2sp_cosignature_example_carries_its_timestamp():
    note = parse_note(C2SP_COSIGNED)
    checkpoint = Checkpoint.from_text(note.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    witness = note.signatures[1]
    assert witness.name == "witness.example.com/w1"
    # The example's signed message says "time 1679315147".
    assert int.from_bytes(witness.signature[:8], "big") == 1679315147
    assert len(witness.signature) == 72


def test_a_cosignature_verifies_and_covers_time_and_text():
    log = Signer.generate("explicite.test/log/ville")
    witness = Signer.generate("asso.example/temoin", COSIGNATURE_V1)
    text = Checkpoint("explicite.test/log/ville", 12, bytes(32)).text
    note = sign_note(text, log).with_lines(witness.signature_line(text, timestamp=1_800_000_000))
    assert note.verified_by(witness.verifier) == 1_800_000_000
    assert note.verified_by(log.verifier) == 0
    forged = parse_note(str(note).replace("\n12\n", "\n13\n"))
    with pytest.raises(NoteError):
        forged.verified_by(witness.verifier)
    # A cosignature key is not a signing key: the types give different key IDs.
    as_plain = Verifier(witness.name, ED25519, witness.verifier.public_key)
    assert note.verified_by(as_plain) is None


def test_every_mangled_verifier_key_is_refused():
    for i in range(len(GO_VKEY)):
        mangled = GO_VKEY[:i] + chr(ord(GO_VKEY[i]) + 1) + GO_VKEY[i + 1 :]
        with pytest.raises(NoteError):
            Verifier.from_vkey(mangled)
    for cut in range(1, len(GO_VKEY)):
        with pytest.raises(NoteError):
            Verifier.from_vkey(GO_VKEY[:cut])


@pytest.mark.parametrize(
    "message",
    [
        "no blank line\n— a AAAAAAA=\n",
        "text\n\n",
        "text\n\n— a AAAAAAA=",
        "text\x07\n\n— a AAAAAAA=\n",
        "text\n\n— a b c\n",
        "text\n\n— a AAAA\n",
        "text\n\n- a AAAAAAA=\n",
        "text\n\n— a+b AAAAAAA=\n",
        "text\n\n" + "— a AAAAAAA=\n" * 65,
    ],
)
def test_malformed_notes_are_refused(message):
    with pytest.raises(NoteError):
        parse_note(message)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n12\n",
        "origin\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
        "origin\n12\nAAAA\n",
        "\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\nextension\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(NoteError):
        Checkpoint.from_text(text)


def test_a_checkpoint_opens_only_with_its_logs_key():
    log = Signer.generate("explicite.test/log/ville")
    checkpoint = Checkpoint("explicite.test/log/ville", 3, b"\x01" * 32)
    message = str(sign_note(checkpoint.text, log))
    assert open_checkpoint(message, log.verifier)[0] == checkpoint
    with pytest.raises(NoteError):
        open_checkpoint(message, Signer.generate("explicite.test/log/ville").verifier)
    # A checkpoint of another origin is refused even under a valid signature of its own.
    other = Signer.generate("explicite.test/log/autre")
    foreign = sign_note(Checkpoint("explicite.test/log/autre", 3, b"\x01" * 32).text, other)
    with pytest.raises(NoteError):
        open_checkpoint(str(foreign), log.verifier)


def test_two_heads_of_the_same_size_with_different_roots_are_a_fork():
    a = Checkpoint("o", 5, b"\x01" * 32)
    with pytest.raises(ProofError):
        check_extends(a, Checkpoint("o", 5, b"\x02" * 32), [])
    with pytest.raises(ProofError):
        check_extends(a, Checkpoint("p", 5, b"\x01" * 32), [])
    check_extends(a, a, [])


def test_keys_round_trip_through_their_text_forms():
    for _ in range(50):  # base64 holds "+", the fields' separator: many keys, many cases
        signer = Signer.generate("explicite.test/log/ville")
        again = Signer.from_skey(signer.skey)
        assert again.verifier == signer.verifier
        assert Verifier.from_vkey(signer.verifier.vkey) == signer.verifier
        material = base64.b64decode(signer.verifier.vkey.split("+", 2)[2])
        assert material[0] == ED25519 and len(material) == 33
