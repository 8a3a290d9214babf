"""A small valid submission per dataset (PROTOCOL.md), written by hand; tests break them one cell at a time.

FINESS used: 310781406 (31), 750100232 (75), 2A0000123 (2A), 971000013 (971), all Luhn-valid, e.g. for
310781406 from the right: 6 + 0 + 4 + 2 + 8 + 5 + 0 + 2 + 3 = 30, a multiple of 10.
Patient identifiers all start with PAT-CLAIR so that a test can look for them in clear anywhere.
"""

VALID = {
    "establishments": """finess;finess_ej;name;department;category;beds
310781406;;CHU Toulouse test;31;CHU;2800
750100232;;Hôpital Saint-Louis test;75;CH;650
2A0000123;;CH Ajaccio test;2A;CH;400
971000013;;CHU Guadeloupe test;971;CHU;800
""",
    "population": """department;year;population
31;2024;1400000
75;2024;2100000
2A;2024;160000
""",
    "spares_activity": """finess;year;sector;patient_days;admissions
310781406;2024;MED;10000;1500
310781406;2024;REA;2000;300
750100232;2024;MED;5000;
""",
    "spares_consumption": """finess;year;sector;atc_code;route;quantity;unit
310781406;2024;MED;J01CA04;O;1500;g
310781406;2024;MED;J01CA04;O;750;g
310781406;2024;REA;J01XB01;P;90;MU
310781406;2024;REA;J01EE01;O;16;g
""",
    "isolates": """source_id;setting;isolate_id;patient_id;sex;age;sample_date;specimen;sector;department;organism;antibiotic;sir;mic;esbl;carbapenemase
310781406;HOSP;I1;PAT-CLAIR-001;F;67;2024-03-05;BLOOD;MED;;ESCCOL;AMX;R;;NEG;NEG
310781406;HOSP;I1;PAT-CLAIR-001;F;67;2024-03-05;BLOOD;MED;;ESCCOL;CTX;S;<=1;NEG;NEG
310781406;HOSP;I1;PAT-CLAIR-001;F;67;2024-03-05;BLOOD;MED;;ESCCOL;CIP;S;;NEG;NEG
310781406;HOSP;I2;PAT-CLAIR-002;M;54;2024-04-10;URINE;REA;;Staphylococcus aureus;FOX;R;;;
310781406;HOSP;I2;PAT-CLAIR-002;M;54;2024-04-10;URINE;REA;;Staphylococcus aureus;OXA;R;;;
LAB00001;COMM;C1;PAT-CLAIR-003;F;34;2024-05-01;URINE;;31;Escherichia coli;AMX;S;;;
""",
    "spiadi_bacteremia": """finess;year;episode_id;patient_id;sample_date;sector;organism;portal;device_associated;acquisition
310781406;2024;B1;PAT-CLAIR-010;2024-02-01;REA;STAAUR;CVC;Y;THIS_ES
310781406;2024;B2;PAT-CLAIR-011;2024-06-15;MED;ESCCOL;URINARY;N;THIS_ES
""",
    "spiadi_exposure": """finess;year;sector;patient_days;cvc_days;picc_days;port_days;pvc_days
310781406;2024;REA;2000;1100;100;50;1000
310781406;2024;MED;10000;400;200;300;5000
""",
    "spicmi_procedures": """finess;year;procedure_id;patient_id;procedure_code;procedure_date;asa;wound_class;duration_min;implant;ssi;ssi_depth;ssi_date;followup_days
310781406;2024;S1;PAT-CLAIR-020;HPRO;2024-03-01;2;1;95;Y;N;;;90
310781406;2024;S2;PAT-CLAIR-021;COLO;2024-04-01;3;3;200;N;Y;DEEP;2024-04-12;30
310781406;2024;S3;PAT-CLAIR-022;CHOL;2024-05-01;1;2;60;N;N;;;30
""",
    "icsha": """finess;year;activity;activity_volume;hand_rub_liters
310781406;2024;REA;2000;1500
310781406;2024;MED;10000;1500
310781406;2024;ER;30000;1500
""",
    "signalements": """signal_id;finess;declared_on;first_case_on;criteria;organism;resistance;cases;deaths;cpias_support;status;closed_on
ES-2024-001;310781406;2024-03-10;2024-03-01;1A|2;KLEPNE;CPE;3;0;Y;CLOSED;2024-05-01
ES-2024-002;750100232;2024-06-10;2024-06-09;3;;NONE;1;1;N;OPEN;
""",
    "community_consumption": """department;year;atc_code;route;quantity;unit;prescriptions
31;2024;J01CA04;O;150000;g;52000
31;2024;J01CR02;O;90000;g;
""",
}

ROWS = {name: text.strip().count("\n") for name, text in VALID.items()}


def with_cell(dataset: str, row: int | tuple[int, ...], column: str, value: str) -> str:
    """The valid fixture with one cell replaced, or the same cell of several rows (row 0 is the first data row,
    i.e. line 2 of the file)."""
    lines = VALID[dataset].strip().split("\n")
    header = lines[0].split(";")
    for index in (row,) if isinstance(row, int) else row:
        cells = lines[index + 1].split(";")
        cells[header.index(column)] = value
        lines[index + 1] = ";".join(cells)
    return "\n".join(lines) + "\n"


def without_column(dataset: str, column: str) -> str:
    lines = [line.split(";") for line in VALID[dataset].strip().split("\n")]
    index = lines[0].index(column)
    return "\n".join(";".join(c for i, c in enumerate(cells) if i != index) for cells in lines) + "\n"
