"""RabbitMQ definitions (users, permissions, topology) rendered from the topology constants.

Loaded by the broker at boot in the distributed deployment, and by the tests, so the broker
the services meet is exactly the one the code declares.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any

from shared.messaging import topology

SERVICE_RESOURCES = r"^(explicite\..*|decision_log\..*|explainer\..*|appeals\..*)$"
# Replaying a dead letter publishes to its queue through the default exchange.
SERVICE_WRITE = r"^(explicite\..*|decision_log\..*|explainer\..*|appeals\..*|amq\.default)$"


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def _user(name: str, password: str, tags: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "password_hash": password_hash(password),
        "hashing_algorithm": "rabbit_password_hashing_sha256",
        "tags": tags,
        "limits": {},
    }


def _permissions(user: str, configure: str, write: str, read: str) -> dict[str, str]:
    return {"user": user, "vhost": "/", "configure": configure, "write": write, "read": read}


def render(
    service_users: Mapping[str, str],
    producers: Mapping[str, str],
    passwords: Mapping[str, str],
    admin: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Definitions for one vhost: services see everything of Explicite; a back office may
    publish decisions of its own administration and bind its own queues to its own events."""
    users, permissions, topic_permissions = [], [], []
    for user in service_users.values():
        users.append(_user(user, passwords[user]))
        permissions.append(_permissions(user, SERVICE_RESOURCES, SERVICE_WRITE, SERVICE_RESOURCES))
    for user, administration in producers.items():
        own = rf"backoffice\.{re.escape(administration)}\..*"
        users.append(_user(user, passwords[user]))
        permissions.append(
            _permissions(
                user,
                f"^{own}$",
                rf"^(explicite\.decisions|{own})$",
                rf"^(explicite\.events|{own})$",
            )
        )
        topic_permissions += [
            {
                "user": user,
                "vhost": "/",
                "exchange": topology.DECISIONS_EXCHANGE,
                "write": rf"^decision\.recorded\.{re.escape(administration)}$",
                "read": "^$",
            },
            {
                "user": user,
                "vhost": "/",
                "exchange": topology.EVENTS_EXCHANGE,
                "write": "^$",
                "read": rf"^[a-z.]+\.{re.escape(administration)}$",
            },
        ]
    if admin is not None:
        users.append(_user(admin[0], admin[1], "administrator"))
        permissions.append(_permissions(admin[0], ".*", ".*", ".*"))
    return {
        "rabbit_version": "3.10.0",
        "users": users,
        "vhosts": [{"name": "/"}],
        "permissions": permissions,
        "topic_permissions": topic_permissions,
        "exchanges": [
            {
                "name": name,
                "vhost": "/",
                "type": kind,
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            }
            for name, kind in topology.EXCHANGES.items()
        ],
        "queues": _queues(),
        "bindings": _bindings(),
    }


def _queues() -> list[dict[str, Any]]:
    queues = [
        {
            "name": spec.name,
            "vhost": "/",
            "durable": True,
            "auto_delete": False,
            "arguments": spec.arguments,
        }
        for spec in topology.QUEUES
    ]
    for service in sorted({spec.service for spec in topology.QUEUES}):
        queues.append(
            {
                "name": topology.dead_letter_queue(service),
                "vhost": "/",
                "durable": True,
                "auto_delete": False,
                "arguments": topology.DEAD_LETTER_QUEUE_ARGUMENTS,
            }
        )
    return queues


def _bindings() -> list[dict[str, Any]]:
    bindings = [
        {
            "source": spec.exchange,
            "vhost": "/",
            "destination": spec.name,
            "destination_type": "queue",
            "routing_key": spec.binding_key,
            "arguments": {},
        }
        for spec in topology.QUEUES
    ]
    for service in sorted({spec.service for spec in topology.QUEUES}):
        bindings.append(
            {
                "source": topology.DEAD_EXCHANGE,
                "vhost": "/",
                "destination": topology.dead_letter_queue(service),
                "destination_type": "queue",
                "routing_key": f"{service}.#",
                "arguments": {},
            }
        )
    return bindings
