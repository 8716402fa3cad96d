"""French formats for what people read: 2 novembre 2026, 1 200 €, 9 h 30."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# French typography separates thousands with a narrow no-break space.
THOUSANDS = "\u202f"
NBSP = "\u00a0"


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(PARIS).date() if value.tzinfo else value.date()
    return value


def format_date(value: date | datetime | str) -> str:
    """`2 novembre 2026`; the first of the month is `1er`."""
    day = _as_date(value)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def format_datetime(value: datetime | str) -> str:
    """`2 novembre 2026 à 9 h 30`, in Paris time."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(PARIS) if moment.tzinfo else moment
    return f"{format_date(local)} à {local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def format_number(value: int | float | Decimal | str, decimals: int | None = None) -> str:
    """`1 200`, `1 234,5`; `decimals` fixes the count of decimals."""
    number = Decimal(str(value))
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + THOUSANDS.join(groups)
    return f"{result},{fraction}" if fraction else result


def format_amount(value: int | float | Decimal | str, currency: str = "EUR") -> str:
    """`1 200 €`, `35,50 €`: cents only when there are some."""
    number = Decimal(str(value))
    decimals = 0 if number == number.to_integral_value() else 2
    symbol = "€" if currency == "EUR" else currency
    return f"{format_number(number, decimals)}{NBSP}{symbol}"


def format_value(value: object, unit: str | None = None, kind: str | None = None) -> str:
    """A criterion value as a person reads it, with its unit."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if kind == "date" and isinstance(value, str):
        return format_date(value)
    if isinstance(value, int | float | Decimal):
        if unit in ("€", "EUR"):
            return format_amount(value)
        text = format_number(value)
        return f"{text}{NBSP}{unit}" if unit else text
    return str(value)


def format_duration(seconds: int) -> str:
    """A wait, rounded up to what a person reads: `1 seconde`, `40 secondes`, `3 minutes`."""
    seconds = max(seconds, 1)
    size, unit = next(
        (size, unit)
        for size, unit in ((3600, "heure"), (60, "minute"), (1, "seconde"))
        if seconds >= size
    )
    count = -(-seconds // size)
    return f"{count} {unit}{'s' if count > 1 else ''}"


def format_days(days: int) -> str:
    """A retention period in plain time: `2 ans`, `6 mois`, `45 jours`."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} an{'s' if years > 1 else ''}"
    if days % 30 == 0:
        return f"{days // 30} mois"
    return f"{days} jour{'s' if days > 1 else ''}"
