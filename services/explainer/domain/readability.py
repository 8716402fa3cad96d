"""A French readability score for every explanation: Kandel and Moles (1958).

textstat 0.7.13 computes, for `lang="fr"`, Flesch's reading ease with the coefficients Kandel and
Moles fitted to French: 207 − 1.015 × (words per sentence) − 73.6 × (syllables per word), the
syllables counted by Pyphen's French hyphenation patterns. Like Flesch's scale, 60 to 70 reads
as "standard" prose and 70 and above as "easy".
"""

from __future__ import annotations

import re

from textstat.textstat import textstatistics

FORMULA = "kandel-moles"
# What every default explanation must reach, tested on the three sample algorithms: the bottom
# of the "standard" band of the scale. Administrative letters usually score 30 to 50.
THRESHOLD = 60.0

_LINK = re.compile(r"(https?://\S+|www\.\S+|\S+@\S+)")
_END = (".", "!", "?", "…")


def prepared(text: str) -> str:
    """The text as read, one sentence per line: links count as one word, not as sentences."""
    lines = []
    for line in text.splitlines():
        line = _LINK.sub("lien", line).strip()
        if not line:
            continue
        lines.append(line if line.endswith(_END) else line.rstrip(" :;") + ".")
    return "\n".join(lines)


def kandel_moles(text: str) -> float:
    """The score of a text; higher is easier."""
    # An instance of its own: textstat's module-level object keeps the language globally.
    stats = textstatistics()
    stats.set_lang("fr")
    return round(float(stats.flesch_reading_ease(prepared(text))), 1)
