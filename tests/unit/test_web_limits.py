"""The checks every API body passes before it is parsed, and the cap on error answers."""

from __future__ import annotations

import json
import time

from shared.web.errors import MAX_FIELD_ERRORS, capped, error_body
from shared.web.limits import structure_problem


def test_a_body_of_the_contract_passes():
    tricky = '[[[[{{{{ ,,,, \\" ]]'
    body = json.dumps({"a": [1, {"b": [2, 3, {"c": tricky}]}], "d": None})
    assert structure_problem(body.encode(), max_depth=5, max_values=20) is None
    assert structure_problem(body.encode(), max_depth=4, max_values=20)[0] == 400


def test_nesting_is_measured_whatever_the_kind_of_brackets():
    for opening, closing in (("[", "]"), ('{"a":', "}"), ('[{"a":', "}]")):
        inner = opening * 5 + "1" + closing * 5
        limit = 5 * len([c for c in opening if c in "[{"])
        assert structure_problem(inner.encode(), limit, 1000) is None
        assert structure_problem(inner.encode(), limit - 1, 1000)[0] == 400


def test_brackets_inside_strings_do_not_count():
    assert structure_problem(b'["' + b"[" * 10_000 + b'"]', 2, 10) is None


def test_values_are_counted_before_anything_is_built():
    hostile = b"[" + b",".join([b"{}"] * 3_000_000) + b"]"
    started = time.perf_counter()
    assert structure_problem(hostile, 20, 20_000) == (413, "holds more than 20000 JSON values")
    assert time.perf_counter() - started < 0.5


def test_unmatched_brackets_are_refused_as_malformed():
    assert structure_problem(b"[[}", 20, 100)[0] == 400


def test_an_error_answer_names_a_bounded_number_of_faults():
    errors = {
        "disputed": {
            str(i): {
                "criterion": ["Missing data for required field."] * 3,
                "reason": ["x" * 10_000],
            }
            for i in range(1000)
        }
    }
    body = error_body(400, "invalid", fields_=errors)
    assert len(json.dumps(body)) < 20_000
    flat = json.dumps(capped(errors))
    assert flat.count("Missing data") + flat.count("x" * 300) == MAX_FIELD_ERRORS
    assert "x" * 301 not in flat
    assert "further errors are not shown" in flat
