"""Access codes: derived from each decision's reference with a dedicated key, never stored.

A code must reach the back office, which prints it on the letter, and nowhere else. It is not
drawn at random then kept until delivered: the outbox row of `decision.logged` (or of a
`decisions.logged`, for each of its items) holds only the reference and the id of the key, and
the relay derives the code as the message leaves for the broker (HMAC-SHA256 of the reference
under the key). The code thus never rests in a table, a
database's write-ahead log or a backup. Only its keyed digest is kept, to check it.

Rotation: put a new key first in EXPLICITE_ACCESS_CODE_KEYS; keep the previous one until the
outbox holds no message issued under it (seconds, unless the broker is down). Codes already
delivered stay valid: they are checked against their digest, not derived again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from shared import jsoncodec
from shared.auth.tokens import derived_access_code
from shared.messaging.message import OutgoingMessage

# On an outbox row of decision.logged: the id of the key its code is derived with.
KEY_HEADER = "x-explicite-access-code-key"


class UnknownCodeKey(RuntimeError):
    """A message waits for a key that is no longer configured: put it back to deliver it."""


@dataclass(frozen=True)
class AccessCodes:
    keys: Mapping[str, str]  # secret by id, the current one first

    @property
    def current(self) -> str:
        return next(iter(self.keys))

    def issue(self, reference: str) -> tuple[str, str]:
        """(key id, code) for a new decision."""
        return self.current, derived_access_code(self.keys[self.current], reference)

    def deliver(self, message: OutgoingMessage) -> OutgoingMessage:
        """The message with its access code filled in, as it leaves the outbox."""
        key_id = message.headers.get(KEY_HEADER)
        if key_id is None:
            return message
        if key_id not in self.keys:
            raise UnknownCodeKey(
                f"access-code key {key_id!r} is not configured; message "
                f"{message.message_id} waits in the outbox"
            )
        event = jsoncodec.loads(message.body)
        key = self.keys[key_id]
        # One decision.logged, or the items of a decisions.logged.
        for data in event["data"].get("items") or [event["data"]]:
            data["access_code"] = derived_access_code(key, data["reference"])
        body = jsoncodec.dumps(event)
        headers = {k: v for k, v in message.headers.items() if k != KEY_HEADER}
        return replace(message, body=body, headers=headers)
