"""Legal bases as the register shows them: the text, its article, and a link to the version
of the text that the algorithm version was registered against."""

from __future__ import annotations

from typing import Any

LEGIFRANCE = "https://www.legifrance.gouv.fr"


def legifrance_url(basis: dict[str, Any]) -> str | None:
    """The Légifrance address of the text as it read on `version_date`.

    Légifrance serves an article of a code at /codes/article_lc/<LEGIARTI>/<date>, an article
    of another text at /loda/article_lc/…, a consolidated text at /codes/texte_lc/<LEGITEXT>/
    <date> (/loda/id/… outside the codes) and the text as published at /jorf/id/<JORFTEXT>.
    """
    identifier, day = basis.get("legifrance_id"), basis.get("version_date")
    if not identifier:
        return None
    in_a_code = str(basis.get("title", "")).lower().startswith("code ")
    if identifier.startswith("JORFTEXT"):
        return f"{LEGIFRANCE}/jorf/id/{identifier}"
    if identifier.startswith("LEGIARTI"):
        return f"{LEGIFRANCE}/{'codes' if in_a_code else 'loda'}/article_lc/{identifier}/{day}"
    if in_a_code:
        return f"{LEGIFRANCE}/codes/texte_lc/{identifier}/{day}"
    return f"{LEGIFRANCE}/loda/id/{identifier}/{day}"


def link(basis: dict[str, Any]) -> str | None:
    """The registered URL, else the dated Légifrance address."""
    return basis.get("url") or legifrance_url(basis)


def label(basis: dict[str, Any]) -> str:
    """« Code des transports, article L3111-7 »."""
    article = basis.get("article")
    return f"{basis['title']}, article {article}" if article else str(basis["title"])
