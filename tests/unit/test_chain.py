"""The chain's entry written out from a record already encoded is the canonical encoding."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.decision_log.service_layer.ingest import hashed_canonical, hashed_part
from shared.chain import GENESIS, canonical, canonical_object, link_canonical, link_entry
from shared.samples import generate_decisions

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(
    seq=st.integers(min_value=1, max_value=2**62),
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64) | st.just(GENESIS),
    record=st.dictionaries(st.text(), JSON, max_size=6),
)
def test_an_entry_from_a_canonical_record_is_the_canonical_entry(seq, prev, record):
    expected = json.dumps(
        {"seq": seq, "prev": prev, "record": record},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    assert link_canonical(seq, prev, canonical(record)) == expected == link_entry(seq, prev, record)


def test_a_sequence_number_must_be_an_integer():
    with pytest.raises(TypeError):
        link_canonical(True, GENESIS, b"{}")  # type: ignore[arg-type]


@given(st.dictionaries(st.text(), JSON, max_size=8))
def test_an_object_of_canonical_members_is_the_canonical_object(value):
    members = {key: canonical(member) for key, member in value.items()}
    assert canonical_object(members) == canonical(value)


def test_the_record_hashed_at_ingest_is_the_record_verification_rebuilds():
    """Ingest encodes each body once (hashed_canonical); `explicite verify` and the
    transparency log rebuild the entry from the stored row with canonical(hashed_part())."""
    for decision in generate_decisions(40, seed=5):
        body = {**decision, "criteria": decision["criteria"] + [{"code": "é", "value": "ü"}]}
        record = {
            "administration": body["administration"],
            "decision_id": body["decision_id"],
            "event_id": body["event_id"],
            "reference": "D-AAAAA-BBBBB",
            "access_code_hash": "0" * 64,
            "body": body,
            "contact_digest": None,
            "channel": "amqp",
            "producer": "bo-ville",
            "received_at": datetime(2026, 12, 7, 21, 30, 0, 123456, tzinfo=UTC),
            "replay_status": "consistent",
            "replay_detail": {"differences": []},
        }
        assert hashed_canonical(record, canonical(body)) == canonical(hashed_part(record))
