"""Sample algorithms of fictitious administrations, and realistic decisions for them."""

from shared.samples.catalogue import (
    OPENFISCA_SAMPLE,
    REGISTERED_SAMPLES,
    SAMPLE_ALGORITHMS,
    SAMPLE_PRODUCERS,
)
from shared.samples.generator import generate_decisions

__all__ = [
    "OPENFISCA_SAMPLE",
    "REGISTERED_SAMPLES",
    "SAMPLE_ALGORITHMS",
    "SAMPLE_PRODUCERS",
    "generate_decisions",
]
