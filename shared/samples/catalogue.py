"""The sample algorithms (registry JSON files) and the AMQP users that produce for them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ALGORITHMS_DIR = Path(__file__).parent / "algorithms"


def load_sample_algorithms() -> list[dict[str, Any]]:
    """Every registry document in `algorithms/*.json`, in file name order."""
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(ALGORITHMS_DIR.glob("*.json"))
    ]


SAMPLE_ALGORITHMS: list[dict[str, Any]] = load_sample_algorithms()

# Registered beside the samples above, but not drawn by `generate_decisions`: its decisions are
# computed by its own back office with openfisca-france (backoffice/bourse_college.py), so that
# the replay compares two independent computations.
OPENFISCA_SAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).parent / "backoffice" / "bourse-college.json").read_text(encoding="utf-8")
)
# Every sample algorithm the embedded default registers.
REGISTERED_SAMPLES: list[dict[str, Any]] = [*SAMPLE_ALGORITHMS, OPENFISCA_SAMPLE]

# AMQP user → the administration it may send decisions for (decision_log's producer table).
SAMPLE_PRODUCERS: dict[str, str] = {
    "bo-ville-exemple": "ville-exemple",
    "bo-region-exemple": "region-exemple",
    "bo-caisse-exemple": "caisse-exemple",
    "bo-college-exemple": "college-exemple",
}
