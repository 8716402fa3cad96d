"""A small client for back offices: validate each decision, send it over AMQP or HTTP."""

from shared.client.client import ExpliciteClient
from shared.client.report import SendReport, Sent

__all__ = ["ExpliciteClient", "SendReport", "Sent"]
