"""Marshmallow fields for exact numbers, strict integers, strict booleans, and condition values."""

from typing import Any

from marshmallow import ValidationError, fields

from .values import to_decimal, to_json_value


class Number(fields.Field):
    """An exact number: loads into a Decimal (never from a boolean), dumps to a JSON number."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return to_decimal(value)
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return to_json_value(value)


class StrictInteger(fields.Integer):
    """An integer that refuses booleans and floats."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        # bool is an int subclass, and marshmallow's strict mode lets it through.
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Must be an integer.")
        return value


class StrictBoolean(fields.Boolean):
    """A boolean that accepts only JSON true and false."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        # marshmallow would also read 1, "yes" or "on" as true.
        if not isinstance(value, bool):
            raise ValidationError("Must be a boolean.")
        return value


class ConditionValue(fields.Field):
    """A condition's value: kept raw at load (it is typed against its criterion), JSON at dump."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return to_json_value(value)
