"""Field rules shared by every contract: identifiers, safe text, timestamps."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from marshmallow import ValidationError, fields, validate

ADMINISTRATION_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
# Identifiers travel in URLs and routing keys: no slash, no dot-only, no spaces.
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# Exactly one address, as people write it: no display name, no quotes, no comment, no comma
# or semicolon that a mail header or relay would read as a second recipient.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_EMAIL = re.compile(EMAIL_PATTERN)
MAX_EMAIL = 254

_ALLOWED_CONTROLS = {"\n", "\t"}


def is_email_address(value: object) -> bool:
    """Whether `value` is one e-mail address, and only one."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_EMAIL
        and len(value.partition("@")[0]) <= 64
        and _EMAIL.fullmatch(value) is not None
    )


class EmailAddress(fields.String):
    """Exactly one e-mail address (see EMAIL_PATTERN)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=validate.Regexp(
                EMAIL_PATTERN, error="must be one e-mail address, such as nom@exemple.fr"
            ),
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = str(super()._deserialize(value, attr, data, **kwargs))
        if not is_email_address(text):
            raise ValidationError("must be one e-mail address, such as nom@exemple.fr")
        return text


def reject_control_characters(value: str) -> None:
    """Refuse NUL and other control or invisible formatting characters in text."""
    for char in value:
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            raise ValidationError(f"contains a control character (U+{ord(char):04X})")


class SafeText(fields.String):
    """A string without control characters, bounded in length."""

    def __init__(self, *, max_length: int = 500, min_length: int = 0, **kwargs: Any) -> None:
        length = validate.Length(min=min_length or None, max=max_length)
        super().__init__(validate=[length, reject_control_characters], **kwargs)


class BoundedList(fields.List):
    """A list whose length is checked before any item is loaded.

    A plain List loads every item, then checks the length: a body of a million invalid items
    costs a million loads and as many error messages. Here it costs one.
    """

    def __init__(
        self, inner: fields.Field, *, max_length: int, min_length: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(
            inner, validate=validate.Length(min=min_length or None, max=max_length), **kwargs
        )
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list) and len(value) > self.max_length:
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        return super()._deserialize(value, attr, data, **kwargs)


class Slug(fields.String):
    """An administration identifier, e.g. `ville-exemple`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=validate.Regexp(
                ADMINISTRATION_PATTERN, error="must be lowercase letters, digits and hyphens"
            ),
            **kwargs,
        )


class Identifier(fields.String):
    """An identifier safe in URLs and routing keys, e.g. `CRECHE-2026-000123`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=validate.Regexp(
                IDENTIFIER_PATTERN,
                error="must be 1 to 128 letters, digits or _.:- and start with a letter or digit",
            ),
            **kwargs,
        )


class Uuid(fields.String):
    """A UUID kept as its canonical string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Regexp(UUID_PATTERN, error="must be a UUID"), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs)).lower()


class AwareDateTime(fields.AwareDateTime):
    """An ISO 8601 timestamp that must carry its UTC offset."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)


def nesting_depth(value: Any, limit: int) -> int:
    """Depth of nested lists and objects (a scalar counts as a level), stopping early past
    `limit`. Only containers are visited: a decision's scalars are most of its values."""
    if not isinstance(value, dict | list):
        return 1
    deepest = 1
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if not children:
            continue
        if depth + 1 > deepest:
            deepest = depth + 1
            if deepest > limit:
                return deepest
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest
