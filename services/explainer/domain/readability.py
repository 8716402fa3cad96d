"""A French readability score for every explanation: Kandel and Moles (1958).

textstat 0.7.13 has no formula of its own for French: for `lang="fr"` its Flesch reading ease
uses the coefficients Kandel and Moles fitted to French, 207 − 1.015 × (words per sentence) −
73.6 × (syllables per word), with syllables counted from Pyphen's French hyphenation patterns
(which count a few words short, "si-tua-tion" for instance: scores run a little high, the same
way for every text). The scale is Flesch's: 50 to 60 fairly difficult, 60 to 70 standard, 70 to
80 fairly easy, 80 and above easy.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pyphen import Pyphen
from textstat.backend.utils.constants import LANG_CONFIGS, RE_NONCONTRACTION_APOSTROPHE

FORMULA = "kandel-moles"
# What every default explanation must reach, tested on decisions of the three sample
# algorithms: "fairly easy". They score 75 to 81; article L311-3-1 of the CRPA, measured the
# same way, scores 36. The margin leaves room for the labels and purposes each administration
# writes, and fails any change of wording that drifts back towards administrative prose.
THRESHOLD = 70.0

_FRENCH = LANG_CONFIGS["fr"]
_LINK = re.compile(r"(https?://\S+|www\.\S+|\S+@\S+)")
# The same without its e-mail branch, for a line without "@" (where that branch, which tries
# every run of non-spaces, cannot match).
_WEB_LINK = re.compile(r"(https?://\S+|www\.\S+)")
# Every line ends a sentence, so that a sentence never spans two lines (see _line).
_END = (".", "!", "?")
# textstat's own tokenisation, so that the score is exactly the one textstat gives.
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_APOSTROPHE = re.compile(RE_NONCONTRACTION_APOSTROPHE)
_PUNCTUATION = re.compile(r"[^\w\s\']")
_WORDY = re.compile(r"\w")
_HYPHENATION = Pyphen(lang="fr")


def prepared(text: str) -> str:
    """The text as read, one sentence per line: links count as one word, not as sentences."""
    return "\n".join(line for line in map(_prepared_line, text.splitlines()) if line)


def _prepared_line(line: str) -> str:
    """One line as read ("" for a blank one): a sentence, its links replaced by a word."""
    if "@" in line:
        line = _LINK.sub("lien", line)
    elif "http" in line or "www." in line:
        line = _WEB_LINK.sub("lien", line)
    line = line.strip()
    if not line:
        return ""
    return line if line.endswith(_END) else line.rstrip(" :;") + "."


def _words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", _APOSTROPHE.sub("", text)).split()


@lru_cache(maxsize=65_536)
def _syllables(word: str) -> int:
    return len(_HYPHENATION.positions(word)) + 1


def _short(sentence: str) -> bool:
    """Two words or fewer: textstat does not count such a sentence.

    A token is a word once punctuation is removed exactly when it holds a word character.
    """
    wordy = 0
    for token in sentence.split():
        if _WORDY.search(token):
            wordy += 1
            if wordy > 2:
                return False
    return True


@lru_cache(maxsize=16_384)
def _counts(line: str) -> tuple[int, int, int]:
    """Words, counted sentences and syllables of one line of the text, as prepared() reads it.

    Preparing a line (its links) costs more than counting it: a recurring line is prepared once.
    """
    line = _prepared_line(line)
    words = sentences = syllables = 0
    for part in _PART.split(line) if line else ():
        part_words, part_sentences, part_syllables = _line(part)
        words += part_words
        sentences += part_sentences
        syllables += part_syllables
    return words, sentences, syllables


# Where a prepared line can be cut so that its counts are the sums of its parts' counts: after
# a sentence's end and one space, before a non-space. No sentence (_SENTENCE), word, or
# apostrophe rule (_APOSTROPHE looks at most two characters ahead: up to that space) spans it.
_PART = re.compile(r"(?<=[.!?]\s)(?=\S)")


@lru_cache(maxsize=16_384)
def _line(line: str) -> tuple[int, int, int]:
    """Words, counted sentences and syllables of a prepared line, or of a part of one.

    The counts add up line by line and sentence by sentence, and most sentences (operations,
    legal texts, rights) recur from one explanation to the next, also within lines that hold
    a reference or an amount: each is counted once.
    """
    words = _words(line)
    sentences = _SENTENCE.findall(line)
    counted = len(sentences) - sum(map(_short, sentences))
    return len(words), counted, sum(map(_syllables, (word.lower() for word in words)))


def kandel_moles(text: str) -> float:
    """The score of a text; higher is easier.

    The same computation as textstat's `flesch_reading_ease` for French (a test holds the two
    equal), counting each recurring line and word once: explanations are generated at the rate
    decisions are logged, and textstat hyphenates every word of every text again.
    """
    words = sentences = syllables = 0
    for line in text.splitlines():
        line_words, line_sentences, line_syllables = _counts(line)
        words += line_words
        sentences += line_sentences
        syllables += line_syllables
    if not words or not syllables:
        return 0.0
    score = (
        _FRENCH["fre_base"]
        - _FRENCH["fre_sentence_length"] * words / max(1, sentences)
        - _FRENCH["fre_syll_per_word"] * syllables / words
    )
    return round(score, 1)
