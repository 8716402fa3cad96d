"""Typed criterion values: parsing from JSON, conversion back to JSON, and the comparison ops."""

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

# A value once parsed: numbers are Decimal so that every computation is exact.
Value = Decimal | bool | str | date
ConditionValue = Value | tuple[Value, ...]

CRITERION_TYPES = ("number", "boolean", "string", "date")
ORDERING_OPS = ("<=", "<", ">=", ">")
EQUALITY_OPS = ("==", "!=")
MEMBERSHIP_OPS = ("in", "not_in")
CONDITION_OPS = ORDERING_OPS + EQUALITY_OPS + MEMBERSHIP_OPS
# Ordering has no meaning for booleans nor for free-text codes.
OPS_BY_TYPE = {
    "number": CONDITION_OPS,
    "date": CONDITION_OPS,
    "boolean": EQUALITY_OPS + MEMBERSHIP_OPS,
    "string": EQUALITY_OPS + MEMBERSHIP_OPS,
}
ONE_DAY = timedelta(days=1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_decimal(raw: Any) -> Decimal:
    """Convert a JSON number (never a boolean) to an exact finite Decimal."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise ValueError("Must be a number.")
    number = Decimal(str(raw))
    if not number.is_finite():
        raise ValueError("Must be a finite number.")
    return number


def parse_date(raw: Any) -> date:
    """Parse an ISO YYYY-MM-DD string (a date object is accepted as already parsed)."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    # date.fromisoformat alone also accepts forms such as 20260101, which the contract does not.
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError("Must be a date in YYYY-MM-DD format.")


def parse_value(type_: str, raw: Any, allowed_values: Sequence[str] | None = None) -> Value:
    """Parse one value of the given criterion type, raising ValueError with an English reason."""
    if type_ == "number":
        return to_decimal(raw)
    if type_ == "date":
        return parse_date(raw)
    if type_ == "boolean":
        if not isinstance(raw, bool):
            raise ValueError("Must be a boolean.")
        return raw
    if not isinstance(raw, str):
        raise ValueError("Must be a string.")
    if allowed_values is not None and raw not in allowed_values:
        raise ValueError(f"Must be one of: {', '.join(allowed_values)}.")
    return raw


def to_json_value(value: Any) -> Any:
    """Convert a typed value (or tuple of them) back to its JSON form."""
    if isinstance(value, tuple | list):
        return [to_json_value(item) for item in value]
    if isinstance(value, Decimal):
        # Integral Decimals stay ints; others become the float whose str() is the same number.
        return int(value) if value.as_tuple().exponent >= 0 else float(value)  # type: ignore[operator]
    if isinstance(value, date):
        return value.isoformat()
    return value


def holds(op: str, actual: Value, expected: ConditionValue | None) -> bool:
    """Whether `actual op expected` holds; `any` always does."""
    if op == "any":
        return True
    if op in MEMBERSHIP_OPS:
        assert isinstance(expected, tuple)
        return (actual in expected) == (op == "in")
    if op == "==":
        return actual == expected
    if op == "!=":
        return actual != expected
    left: Any = actual
    right: Any = expected
    if op == "<=":
        return bool(left <= right)
    if op == "<":
        return bool(left < right)
    if op == ">=":
        return bool(left >= right)
    return bool(left > right)
