"""Which sections each kind of participant's report holds: a mission adds its contribution here."""

from vigie.reports.mechanism import ReportKind
from vigie.reports.spares import SPARES

REPORT_KINDS = [
    ReportKind("establishment", "Surveillance {year} : rapport de votre établissement", [SPARES]),
]
