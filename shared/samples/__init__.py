"""Sample algorithms of three fictitious administrations, and realistic decisions for them."""

from shared.samples.catalogue import SAMPLE_ALGORITHMS, SAMPLE_PRODUCERS
from shared.samples.generator import generate_decisions

__all__ = ["SAMPLE_ALGORITHMS", "SAMPLE_PRODUCERS", "generate_decisions"]
