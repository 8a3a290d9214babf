"""How numbers, dates and times are written for French readers: receipts, reports and their workbooks alike."""

import datetime as dt
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

PARIS = ZoneInfo("Europe/Paris")
LOCALE = "fr_FR"


def number(value, digits: int = 1) -> str:
    """1 234,5 — thousands separated by a narrow no-break space, decimal comma; a dash when there is no value."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def paris_time(moment: dt.datetime) -> str:
    """A moment as read in France: 23/11/2026 à 15:02 (naive moments are taken as UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


def date(day: dt.date | None) -> str:
    return "–" if day is None else day.strftime("%d/%m/%Y")
