"""Which sections each kind of participant's report holds: a mission adds its contribution here."""

from vigie.reports.matis import MATIS
from vigie.reports.mechanism import ReportKind, peer_methods
from vigie.reports.primo import PRIMO
from vigie.reports.regional import REGIONAL
from vigie.reports.signalements import SIGNALEMENTS
from vigie.reports.spares import SPARES
from vigie.reports.spiadi import SPIADI
from vigie.reports.spicmi import SPICMI

REPORT_KINDS = [
    ReportKind("establishment", "Surveillance {year} : rapport de votre établissement", [SPARES, SPIADI, SPICMI, MATIS],
               peer_methods),
    ReportKind("laboratory", "Surveillance PRIMO {year} : rapport de votre laboratoire", [PRIMO]),
    ReportKind("region", "Surveillance {year} : résultats de la région", [REGIONAL, SIGNALEMENTS]),
]
