"""Deliberately bad submissions, so that the demo shows quarantine and warnings at work."""

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Fault:
    dataset: str
    file_name: str
    expected: str  # what the platform should answer, in French, as the demo prints it
    content: bytes


def _csv(frame: pl.DataFrame) -> bytes:
    return frame.write_csv(separator=";").encode()


def faults(samples: dict[str, pl.DataFrame]) -> list[Fault]:
    """Breaks copies of valid frames, one protocol rule each (a few kept as warnings)."""
    activity, isolates = samples["spares_activity"], samples["isolates"]
    procedures, reports = samples["spicmi_procedures"], samples["signalements"]
    consumption, exposure = samples["spares_consumption"], samples["spiadi_exposure"]
    bad_finess = activity["finess"][0][:8] + str((int(activity["finess"][0][8]) + 1) % 10)
    ssi = procedures.head(5).with_columns(pl.lit("Y").alias("ssi"), pl.lit("DEEP").alias("ssi_depth"),
                                          pl.lit(None, pl.Date).alias("ssi_date"))
    return [
        Fault("spares_activity", "activite_cle_finess_fausse.csv", "refusé : clé de contrôle du FINESS",
              _csv(activity.with_columns(pl.lit(bad_finess).alias("finess")))),
        Fault("isolates", "antibiogrammes_codes_invalides.csv", "refusé : SIR « X » et âge 150",
              _csv(isolates.head(40).with_columns(
                  pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("X")).otherwise(pl.col("sir")).alias("sir"),
                  pl.when(pl.int_range(pl.len()) == 5).then(150).otherwise(pl.col("age")).alias("age")))),
        Fault("isolates", "antibiogrammes_germe_inconnu.csv", "accepté avec avertissement : micro-organisme inconnu",
              _csv(isolates.tail(30).with_columns(pl.lit("Bacterium imaginarius").alias("organism"),
                                                  pl.lit("LAB09999").alias("source_id")))),
        Fault("spicmi_procedures", "iso_sans_date.csv", "refusé : ISO déclarée sans date d'ISO", _csv(ssi)),
        Fault("signalements", "esin_deces_sup_cas.csv", "refusé : plus de décès que de cas",
              _csv(reports.head(3).with_columns((pl.col("cases") + 2).alias("deaths")))),
        Fault("spares_consumption", "conso_voie_sans_ddj.csv", "refusé : ATC et voie sans DDJ (amoxicilline rectale)",
              _csv(consumption.head(4).with_columns(pl.lit("J01CA04").alias("atc_code"), pl.lit("R").alias("route")))),
        Fault("spares_consumption", "conso_colistine_en_grammes.csv",
              "refusé : colistine en grammes alors que sa DDJ est en millions d'unités",
              _csv(consumption.head(3).with_columns(pl.lit("J01XB01").alias("atc_code"), pl.lit("P").alias("route"),
                                                    pl.lit("g").alias("unit")))),
        Fault("spiadi_exposure", "exposition_colonne_manquante.csv", "refusé : colonne patient_days absente",
              _csv(exposure.drop("patient_days"))),
        Fault("icsha", "icsha_classeur_corrompu.xlsx", "refusé : fichier illisible", b"PK\x03\x04 not really a workbook"),
    ]
