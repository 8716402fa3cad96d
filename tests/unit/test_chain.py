"""The chain's entry written out from a record already encoded is the canonical encoding."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.chain import GENESIS, canonical, link_canonical, link_entry

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
