"""Which sections each kind of report holds: a mission adds its contribution here."""

from vigie.reports.matis import MATIS
from vigie.reports.mechanism import Edition, ReportKind, peer_methods
from vigie.reports.primo import PRIMO
from vigie.reports.regional import REGIONAL
from vigie.reports.regional_missions import REGIONAL_MISSIONS
from vigie.reports.signalements import SIGNALEMENTS
from vigie.reports.spares import SPARES
from vigie.reports.spiadi import SPIADI
from vigie.reports.spicmi import SPICMI

PARTICIPANT_REPORT_KINDS = [
    ReportKind("establishment", "Surveillance {year} : rapport de votre établissement", [SPARES, SPIADI, SPICMI, MATIS],
               peer_methods),
    # A hospital whose laboratory also sends community isolates is both: its two reports never share a folder or a
    # file name.
    ReportKind("laboratory", "Surveillance PRIMO {year} : rapport de votre laboratoire", [PRIMO],
               folder="laboratory_reports", stem="rapport_primo"),
]
# The regional output: the edition of the region's CPias and ARS names establishments; the public one, published
# beyond the region, does not, and masks its small counts.
REGIONAL_OUTPUT = ReportKind(
    "region", "Surveillance {year} : résultats de la région", [REGIONAL, REGIONAL_MISSIONS, SIGNALEMENTS],
    folder="regional", stem="resultats_region",
    editions=(Edition("_cpias_ars"), Edition("_diffusion", public=True)))
