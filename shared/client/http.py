"""`POST /api/v1/decisions` with bounded retries; the answer sorted into sent/rejected/failed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

# Retrying is safe: decision_log is idempotent per (administration, decision_id).
RETRYABLE = {408, 429}
RETRY_AFTER_CAP = 30.0


@dataclass(frozen=True)
class Accepted:
    answer: dict[str, Any]


@dataclass(frozen=True)
class Refused:
    reasons: dict[str, list[str]]


@dataclass(frozen=True)
class Unsent:
    why: str


HttpOutcome = Accepted | Refused | Unsent


class HttpSender:
    """One keep-alive session to the decisions endpoint."""

    def __init__(
        self, base_url: str, api_key: str | None, timeout: float, retries: int, backoff: float
    ) -> None:
        # requests is only in the dev extra: a back office sending over AMQP does not need it.
        try:
            import requests
        except ImportError as exc:
            raise RuntimeError(
                "sending over HTTP needs the requests package (pip install requests)"
            ) from exc

        self._requests = requests
        self._url = base_url.rstrip("/") + "/api/v1/decisions"
        self._timeout, self._retries, self._backoff = timeout, retries, backoff
        self._session = requests.Session()
        self._session.headers["Content-Type"] = "application/json"
        self._session.headers["Accept"] = "application/json"
        if api_key:
            self._session.headers["Authorization"] = f"Bearer {api_key}"

    def post(self, body: bytes) -> HttpOutcome:
        """Send one decision; 5xx, 408, 429 and network errors are retried with backoff."""
        why, wait = "", 0.0
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(max(self._backoff * 2 ** (attempt - 1), wait))
            try:
                response = self._session.post(self._url, data=body, timeout=self._timeout)
            except self._requests.RequestException as exc:
                why, wait = f"HTTP : {type(exc).__name__} ({exc})", 0.0
                continue
            status = response.status_code
            if 200 <= status < 300:
                return Accepted(_json(response) or {})
            error = _error(response)
            why = f"HTTP {status} : {error.get('message') or response.reason}"
            if status >= 500 or status in RETRYABLE:
                wait = _retry_after(response)
                continue
            if status == 401:
                # Not the decision's fault: it may be sent again once the key is fixed.
                return Unsent(f"{why} (vérifiez la clé d'API)")
            fields = error.get("fields")
            if isinstance(fields, dict) and fields:
                return Refused({str(k): _as_list(v) for k, v in fields.items()})
            return Refused({"body": [why]})
        return Unsent(f"{why} (après {self._retries + 1} tentatives)")

    def close(self) -> None:
        self._session.close()


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response: Any) -> float:
    """The server's Retry-After in seconds (capped), or 0 when absent or a date."""
    value = response.headers.get("Retry-After", "")
    return min(float(value), RETRY_AFTER_CAP) if value.isdigit() else 0.0


def _error(response: Any) -> dict[str, Any]:
    """The `error` object of the contract's error format, or {} for any other body."""
    body = _json(response) if response.status_code >= 400 else None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _as_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]
