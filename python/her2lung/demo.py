"""Built-in synthetic cBioPortal studies for HER2 (ERBB2) in NSCLC.

``write_demo_studies`` writes one or more complete cBioPortal study folders (meta files,
clinical files, MAF, discrete CNA, structural variants, mRNA z-scores, gene panels and
case lists) that look like real lung-cancer studies. Nothing here is real patient data.

What the data are built to show
-------------------------------
* LUAD-like driver frequencies per patient (on ``ONCOTREE_CODE`` LUAD; LUSC patients have
  few drivers and more smokers, so the LUAD filter matters): KRAS ~30%, EGFR ~15%,
  ALK fusion ~4% (SV file), ERBB2 mutation ~2-3% (mostly exon-20 insertions),
  ERBB2 amplification ~1.5% (CNA = 2, 17q12 neighbours co-amplified), TP53 ~45%,
  STK11 ~15%, KEAP1 ~15%. Drivers are mostly mutually exclusive; about 1.5% of
  driver-positive patients carry a second one. ERBB2 alterations are enriched in
  never-smokers and in the KRAS/EGFR/ALK-negative ("other") cohort.
* Survival: exponential-ish OS with a median near 30 months, about half censored, and a
  planted hazard ratio of 2.5 for never-smokers whose tumour has high ERBB2 expression
  (z >= 2: every ERBB2-amplified tumour, plus ~5% of the others, ~8% in never-smokers).
  Stage also changes the hazard (Stage IV ~3.5x Stage I).
* Smoking history is free text; :data:`SMOKING_TEXT` lists every non-missing text written
  and the category (never / former / current) it stands for.
* Profiling gaps: two gene panels in the demo (a large one and an older small one without
  ERBB2, ~10% of samples); ~90% of samples have CNA, ~85% SV, ~70% expression; a few
  sequenced samples have no mutation rows at all. Nothing is generated for a gene that is
  not on the sample's panel (MAF rows are omitted, CNA cells are ``NA``).
* Tricky but valid rows: ERBB2 rows under the alias symbols ``HER2``/``NEU`` (Entrez 2064),
  rows for the unrelated gene ERBB2IP (Entrez 55914, chr5), silent/intron ERBB2 rows that
  must not count, missing values written as ``NA``, ``[Not Available]`` or empty.
* A handful of deliberately bad rows per study (negative and unparsable OS_MONTHS, unknown
  OS_STATUS, a MAF row for an unknown sample, a misspelt Variant_Classification, a MAF row
  without a gene, a CNA value of 3, a duplicated sample row). Their exact file, line and
  column are returned in :class:`DemoManifest` so tests can check they get quarantined.

Scales
------
``"demo"``: one study, ``her2lung_demo_luad``, with ``n_patients`` patients.
``"small"`` and ``"genie"``: a multi-study, GENIE-like layout (one study per synthetic
centre, several targeted panels per centre, some without ERBB2 or without ALK, no expression
for most centres). ``"small"`` has about 3,000 samples in 4 studies (for CI); ``"genie"``
about 250,000 samples in 20 studies, and its largest study's wide CNA header line is over
2 MB. ``n_samples`` and ``n_studies`` resize them (e.g. 50,000 samples in 8 studies for a
laptop trial, or more than GENIE for a stress test); the centres' relative sizes stay those of
GENIE (the largest ~36% of all samples). ``n_patients`` only applies to ``"demo"``.

Determinism and memory
----------------------
Every random draw comes from ``numpy.random.default_rng`` seeded with ``[seed, scale, study,
stream, ...]``, so the same arguments give byte-identical files. Rows are written as they are made;
memory grows with the number of samples of one study (a few small arrays), never with the
number of rows, and wide CNA / expression files are written one gene row at a time.
The default demo takes well under a second; ``"genie"`` about 20 s with a peak RSS under
200 MB (17.2 s, 180 MB in benchmarks/RESULTS.md).
"""

from __future__ import annotations

import bisect
import math
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TextIO

import numpy as np

__all__ = [
    "SCALES",
    "SMOKING_TEXT",
    "DemoManifest",
    "PlantedRow",
    "write_demo_studies",
]

SCALES = ("demo", "small", "genie")

DEMO_STUDY_ID = "her2lung_demo_luad"
CENTER = "her2lung-synthetic"

# --------------------------------------------------------------------------------------
# Reference tables (GRCh37 coordinates; Entrez ids as in cBioPortal's gene table)
# --------------------------------------------------------------------------------------


class _Gene(NamedTuple):
    symbol: str
    entrez: int
    chrom: str
    start: int
    end: int
    protein_length: int


# Approximate GRCh37 gene spans (for synthetic passenger positions) and protein lengths.
_GENE_ROWS: tuple[_Gene, ...] = (
    # drivers and co-mutated tumour suppressors
    _Gene("KRAS", 3845, "12", 25357723, 25403870, 189),
    _Gene("EGFR", 1956, "7", 55086714, 55324313, 1210),
    _Gene("ERBB2", 2064, "17", 37844167, 37886679, 1255),
    _Gene("BRAF", 673, "7", 140433812, 140624564, 766),
    _Gene("TP53", 7157, "17", 7565097, 7590856, 393),
    _Gene("STK11", 6794, "19", 1205798, 1228434, 433),
    _Gene("KEAP1", 9817, "19", 10596796, 10614054, 624),
    # ERBB2 interacting protein: a different gene on chr5 (now ERBIN), not ERBB2
    _Gene("ERBB2IP", 55914, "5", 65222300, 65376790, 1412),
    # passengers (a few dozen frequently mutated genes)
    _Gene("TTN", 7273, "2", 179391851, 179669312, 34350),
    _Gene("MUC16", 94025, "19", 8966817, 9091786, 14507),
    _Gene("CSMD3", 114788, "8", 113237069, 114449071, 3707),
    _Gene("RYR2", 6262, "1", 237494206, 237995920, 4967),
    _Gene("LRP1B", 53353, "2", 140990850, 142238100, 4599),
    _Gene("USH2A", 7399, "1", 215802171, 216595651, 5202),
    _Gene("ZFHX4", 79776, "8", 77616334, 77776737, 3567),
    _Gene("SPTA1", 6708, "1", 158581060, 158655095, 2419),
    _Gene("XIRP2", 129446, "2", 167760007, 168115654, 3374),
    _Gene("FLG", 2312, "1", 152275261, 152287816, 4061),
    _Gene("COL11A1", 1301, "1", 103343664, 103573716, 1806),
    _Gene("NAV3", 89795, "12", 78225255, 78604278, 2385),
    _Gene("PCLO", 27445, "7", 82387923, 82791757, 5142),
    _Gene("KMT2D", 8085, "12", 49412758, 49449107, 5537),
    _Gene("KMT2C", 58508, "7", 151832010, 152133090, 4911),
    _Gene("PTPRD", 5789, "9", 8317934, 8636819, 1912),
    _Gene("RELN", 5649, "7", 103123390, 103629671, 3460),
    _Gene("FAT1", 2195, "4", 187509954, 187630811, 4588),
    _Gene("FAT4", 79633, "4", 126237791, 126412916, 4981),
    _Gene("DNAH5", 1767, "5", 13692172, 13931342, 4624),
    _Gene("PAPPA2", 60676, "1", 176525492, 176811562, 1791),
    _Gene("SI", 6476, "3", 164697167, 164793793, 1827),
    _Gene("CDH18", 1016, "5", 19473465, 19839086, 790),
    _Gene("HCN1", 348980, "5", 45262055, 45695955, 890),
    _Gene("SLIT3", 6586, "5", 168093531, 168671774, 1523),
    _Gene("PKHD1L1", 93035, "8", 110394763, 110539098, 4243),
    _Gene("LRRC7", 57554, "1", 70225887, 70587567, 1537),
    _Gene("EPHA3", 2042, "3", 89156961, 89528582, 983),
    _Gene("EPHA5", 2044, "4", 66189839, 66535351, 1037),
    _Gene("KDR", 3791, "4", 55946163, 55987331, 1356),
    _Gene("ERBB4", 2066, "2", 212248356, 213403195, 1308),
    _Gene("SMARCA4", 6597, "19", 11097617, 11170531, 1647),
    _Gene("RB1", 5925, "13", 48916758, 49039369, 928),
    _Gene("NF1", 4763, "17", 29486064, 29701132, 2839),
    _Gene("ARID1A", 8289, "1", 27056169, 27107096, 2285),
    _Gene("ATM", 472, "11", 108114808, 108236220, 3056),
    _Gene("SETD2", 29072, "3", 47058706, 47164507, 2564),
    _Gene("PIK3CA", 5290, "3", 178916645, 178952085, 1068),
    _Gene("NRAS", 4893, "1", 115251276, 115256579, 189),
    _Gene("PTEN", 5728, "10", 89624246, 89720851, 403),
    _Gene("APC", 324, "5", 112103015, 112179485, 2843),
    _Gene("CTNNB1", 1499, "3", 41266100, 41280817, 781),
    _Gene("SMAD4", 4089, "18", 48573650, 48604750, 552),
    _Gene("U2AF1", 7307, "21", 44513289, 44524456, 240),
    _Gene("MGA", 23269, "15", 41961119, 42059461, 3065),
    _Gene("RBM10", 8241, "X", 47028738, 47045892, 930),
    _Gene("ARID2", 196528, "12", 46205235, 46298746, 1835),
    _Gene("NFE2L2", 4780, "2", 178095793, 178098975, 605),
    _Gene("CUL3", 8452, "2", 225338975, 225422486, 768),
    _Gene("DDR2", 4921, "1", 162688892, 162748459, 855),
    _Gene("MET", 4233, "7", 116339264, 116435946, 1390),
    _Gene("ALK", 238, "2", 29416528, 30143288, 1620),
    _Gene("ROS1", 6098, "6", 117609682, 117715480, 2347),
    _Gene("RET", 5979, "10", 43596057, 43622127, 1114),
    _Gene("GRB7", 2886, "17", 37898639, 37903138, 532),
    _Gene("CDK12", 51755, "17", 37618415, 37687195, 1490),
    _Gene("ERBB3", 2065, "12", 56477557, 56495712, 1342),
    # copy-number / expression genes (17q12 amplicon and other lung CNA genes)
    _Gene("STARD3", 10948, "17", 37793318, 37819737, 445),
    _Gene("PGAP3", 93210, "17", 37827375, 37853050, 320),
    _Gene("MIEN1", 84299, "17", 37884745, 37886679, 115),
    _Gene("PNMT", 5409, "17", 37824234, 37826728, 282),
    _Gene("TCAP", 8557, "17", 37821599, 37822807, 167),
    _Gene("IKZF3", 22806, "17", 37921198, 38020441, 509),
    _Gene("MED1", 5469, "17", 37560538, 37607539, 1581),
    _Gene("TOP2A", 7153, "17", 38544773, 38574202, 1531),
    _Gene("MYC", 4609, "8", 128748315, 128753680, 439),
    _Gene("NKX2-1", 7080, "14", 36985602, 36989430, 401),
    _Gene("NKX2-8", 26257, "14", 37049224, 37051786, 239),
    _Gene("PAX9", 5083, "14", 37126773, 37147012, 341),
    _Gene("MDM2", 4193, "12", 69201956, 69239214, 497),
    _Gene("CDK4", 1019, "12", 58141510, 58149796, 303),
    _Gene("CDK6", 1021, "7", 92234235, 92465908, 326),
    _Gene("FGFR1", 2260, "8", 38268656, 38326352, 822),
    _Gene("CCND1", 595, "11", 69455855, 69469242, 295),
    _Gene("CCNE1", 898, "19", 30302805, 30315215, 410),
    _Gene("TERT", 7015, "5", 1253287, 1295162, 1132),
    _Gene("SOX2", 6657, "3", 181429712, 181432224, 317),
    _Gene("MCL1", 4170, "1", 150547027, 150552214, 350),
    _Gene("BCL2L1", 598, "20", 30252261, 30310656, 233),
    _Gene("CD44", 960, "11", 35138870, 35232402, 742),
    _Gene("VEGFA", 7422, "6", 43737946, 43754224, 232),
    _Gene("YAP1", 10413, "11", 101981192, 102104154, 504),
    _Gene("CDKN2A", 1029, "9", 21967751, 21995300, 156),
    _Gene("CDKN2B", 1030, "9", 22002903, 22009312, 138),
    _Gene("MTAP", 4507, "9", 21802636, 21941115, 283),
    _Gene("FHIT", 2272, "3", 59735036, 61251459, 147),
    # fusion partners
    _Gene("EML4", 27436, "2", 42396490, 42559688, 981),
    _Gene("KIF5B", 3799, "10", 32297938, 32345371, 963),
    _Gene("CCDC6", 8030, "10", 61548521, 61666414, 474),
    _Gene("CD74", 972, "5", 149781200, 149792492, 296),
    _Gene("SLC34A2", 10568, "4", 25657444, 25680370, 690),
    _Gene("EZR", 7430, "6", 159186773, 159240456, 586),
)
_GENE = {g.symbol: g for g in _GENE_ROWS}
_UNIVERSE: tuple[str, ...] = tuple(g.symbol for g in _GENE_ROWS)
_GIDX = {s: i for i, s in enumerate(_UNIVERSE)}

_PASSENGERS: tuple[str, ...] = tuple(_UNIVERSE[_GIDX["TTN"] : _GIDX["ERBB3"] + 1])

_CNA_GENES: tuple[str, ...] = (
    # ERBB2 first, its 17q12 neighbours after it (they copy its amplification)
    "ERBB2", "GRB7", "PGAP3", "STARD3", "MIEN1", "PNMT", "TCAP", "IKZF3", "CDK12", "MED1",
    "TOP2A", "EGFR", "MET", "KRAS", "MYC", "NKX2-1", "NKX2-8", "PAX9", "MDM2", "CDK4",
    "CDK6", "FGFR1", "CCND1", "CCNE1", "TERT", "SOX2", "MCL1", "BCL2L1", "CD44", "VEGFA",
    "YAP1", "ALK", "ROS1", "RET", "BRAF", "PIK3CA", "ERBB3", "NRAS", "CDKN2A", "CDKN2B",
    "MTAP", "PTEN", "RB1", "STK11", "KEAP1", "SMARCA4", "TP53", "NF1", "PTPRD", "FHIT",
    "LRP1B",
)  # fmt: skip

_EXPR_GENES: tuple[str, ...] = (
    "ERBB2", "GRB7", "STARD3", "PGAP3", "MIEN1", "EGFR", "MET", "KRAS", "MYC", "NKX2-1",
    "SOX2", "TP53", "STK11", "KEAP1", "CDKN2A", "ALK", "ROS1", "RET", "ERBB3", "TOP2A",
    "CDK12",
)  # fmt: skip

# Probability of (deep deletion, shallow loss, gain, amplification) per CNA gene.
_CNA_DEFAULT = (0.002, 0.12, 0.12, 0.004)
_CNA_PROBS: dict[str, tuple[float, float, float, float]] = {
    "ERBB2": (0.0, 0.08, 0.12, 0.0),  # amplification only via the planted ERBB2-amp flag
    "EGFR": (0.0, 0.05, 0.20, 0.015),
    "MET": (0.0, 0.06, 0.18, 0.012),
    "KRAS": (0.0, 0.06, 0.18, 0.02),
    "MYC": (0.0, 0.06, 0.25, 0.05),
    "NKX2-1": (0.0, 0.06, 0.20, 0.09),
    "MDM2": (0.0, 0.08, 0.12, 0.03),
    "CDK4": (0.0, 0.08, 0.12, 0.025),
    "CDK6": (0.0, 0.06, 0.15, 0.01),
    "FGFR1": (0.0, 0.10, 0.12, 0.02),
    "CCND1": (0.0, 0.08, 0.12, 0.02),
    "CCNE1": (0.0, 0.06, 0.14, 0.02),
    "TERT": (0.0, 0.04, 0.30, 0.04),
    "SOX2": (0.0, 0.05, 0.20, 0.01),
    "MCL1": (0.0, 0.04, 0.25, 0.03),
    "BCL2L1": (0.0, 0.06, 0.18, 0.02),
    "CDKN2A": (0.14, 0.20, 0.04, 0.0),
    "CDKN2B": (0.02, 0.20, 0.04, 0.0),
    "MTAP": (0.02, 0.20, 0.04, 0.0),
    "PTEN": (0.02, 0.20, 0.05, 0.0),
    "RB1": (0.015, 0.20, 0.05, 0.0),
    "STK11": (0.01, 0.30, 0.03, 0.0),
    "KEAP1": (0.005, 0.30, 0.03, 0.0),
    "SMARCA4": (0.01, 0.20, 0.05, 0.0),
    "TP53": (0.002, 0.35, 0.04, 0.0),
    "NF1": (0.01, 0.20, 0.05, 0.0),
    "PTPRD": (0.03, 0.20, 0.04, 0.0),
    "FHIT": (0.02, 0.25, 0.03, 0.0),
    "LRP1B": (0.03, 0.20, 0.04, 0.0),
}
_CNA_17Q12 = {  # P(neighbour = 2 | ERBB2 amplified); otherwise 1
    "GRB7": 0.92, "PGAP3": 0.9, "STARD3": 0.9, "MIEN1": 0.92, "PNMT": 0.85, "TCAP": 0.85,
    "IKZF3": 0.6, "CDK12": 0.5, "MED1": 0.45, "TOP2A": 0.3,
}  # fmt: skip
_CNA_LUSC_AMP = {"FGFR1": 0.15, "SOX2": 0.25, "NKX2-1": 0.02}

_SMALL_PANEL_GENES: tuple[str, ...] = (
    "KRAS", "EGFR", "BRAF", "NRAS", "PIK3CA", "TP53", "STK11", "KEAP1", "ALK", "ROS1", "RET",
    "MET", "PTEN", "SMARCA4", "RB1", "NF1", "ARID1A", "ATM", "CDKN2A", "CDKN2B", "MYC",
    "MDM2", "CDK4", "FGFR1", "CCND1", "NKX2-1", "SOX2", "CTNNB1", "SMAD4", "APC", "U2AF1",
    "NFE2L2", "DDR2", "EML4", "KIF5B", "CCDC6", "CD74", "SLC34A2",
)  # fmt: skip

# Smoking history texts written to SMOKING_HISTORY, with the category each one means.
SMOKING_TEXT: dict[str, str] = {
    "Never": "never",
    "Lifelong Non-smoker": "never",
    "Former": "former",
    "Current Reformed Smoker for > 15 yrs": "former",
    "Current Reformed Smoker for < or = 15 yrs": "former",
    "Current": "current",
    "Current Smoker": "current",
}
_SMOKING_CHOICES = (  # latent category -> (texts, weights)
    (("Never", "Lifelong Non-smoker"), (0.8, 0.2)),
    (
        (
            "Former",
            "Current Reformed Smoker for > 15 yrs",
            "Current Reformed Smoker for < or = 15 yrs",
        ),
        (0.75, 0.15, 0.10),
    ),
    (("Current", "Current Smoker"), (0.9, 0.1)),
)
_MISSING_TEXTS = ("NA", "[Not Available]", "")

_HISTOLOGY = (  # code, detailed name, share
    ("LUAD", "Lung Adenocarcinoma", 0.80),
    ("LUSC", "Lung Squamous Cell Carcinoma", 0.12),
    ("NSCLC", "Non-Small Cell Lung Cancer", 0.06),
    ("LUAS", "Lung Adenosquamous Carcinoma", 0.02),
)
_STAGES = ("Stage IA", "Stage IB", "Stage IIA", "Stage IIB", "Stage IIIA", "Stage IIIB", "Stage IV")
_STAGE_W = (0.22, 0.18, 0.10, 0.12, 0.14, 0.06, 0.16, 0.02)  # last: missing
_STAGE_HR = (1.0, 1.0, 1.5, 1.5, 2.2, 2.2, 3.5, 1.8)
_PLANTED_HR = 2.5  # never-smoker with ERBB2 z >= 2
_MEDIAN_OS = 30.0

# Variant classes
MIS, NON, SIL = "Missense_Mutation", "Nonsense_Mutation", "Silent"
FSD, FSI, IFD, IFI = "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del", "In_Frame_Ins"
SPL = "Splice_Site"
_PASSENGER_CLASSES = (  # class, weight; ~27% are not counted as mutations downstream
    (MIS, 0.58), (NON, 0.05), (FSD, 0.035), (FSI, 0.015), (IFD, 0.01), (SPL, 0.03),
    (SIL, 0.16), ("Intron", 0.06), ("3'UTR", 0.03), ("5'UTR", 0.012), ("RNA", 0.004),
    ("IGR", 0.002), ("5'Flank", 0.002),
)  # fmt: skip


class _Variant(NamedTuple):
    hgvsp: str
    start: int
    end: int
    ref: str
    alt: str
    vclass: str
    weight: float


def _vtype(ref: str, alt: str) -> str:
    if ref == "-":
        return "INS"
    if alt == "-":
        return "DEL"
    return "SNP" if len(ref) == 1 else ("DNP" if len(ref) == 2 else "ONP")


def _protein_position(hgvsp: str) -> str:
    nums = re.findall(r"\d+", hgvsp)
    if not nums:
        return ""
    return nums[0] if nums[0] == nums[-1] else f"{nums[0]}-{nums[-1]}"


_KRAS = (
    _Variant("p.G12C", 25398285, 25398285, "C", "A", MIS, 0.40),
    _Variant("p.G12V", 25398284, 25398284, "C", "A", MIS, 0.19),
    _Variant("p.G12D", 25398284, 25398284, "C", "T", MIS, 0.15),
    _Variant("p.G12A", 25398284, 25398284, "C", "G", MIS, 0.07),
    _Variant("p.G13C", 25398282, 25398282, "C", "A", MIS, 0.06),
    _Variant("p.G13D", 25398281, 25398281, "C", "T", MIS, 0.03),
    _Variant("p.Q61H", 25380275, 25380275, "T", "A", MIS, 0.06),
    _Variant("p.Q61L", 25380276, 25380276, "T", "A", MIS, 0.04),
)
_EGFR = (  # indexes 0-2 are the sensitising mutations that T790M can join
    _Variant("p.E746_A750del", 55242465, 55242479, "GGAATTAAGAGAAGC", "-", IFD, 0.30),
    _Variant("p.L747_T751del", 55242468, 55242482, "ATTAAGAGAAGCAAC", "-", IFD, 0.10),
    _Variant("p.L858R", 55259515, 55259515, "T", "G", MIS, 0.38),
    _Variant("p.G719A", 55241708, 55241708, "G", "C", MIS, 0.03),
    _Variant("p.G719C", 55241707, 55241707, "G", "T", MIS, 0.02),
    _Variant("p.L861Q", 55259524, 55259524, "T", "A", MIS, 0.03),
    _Variant("p.D770_N771insGL", 55249012, 55249013, "-", "GGGTTA", IFI, 0.05),
    _Variant("p.H773dup", 55249017, 55249018, "-", "CCA", IFI, 0.03),
    _Variant("p.V769_D770insASV", 55249009, 55249010, "-", "GCCAGCGTG", IFI, 0.06),
)
_EGFR_T790M = _Variant("p.T790M", 55249071, 55249071, "C", "T", MIS, 1.0)
_BRAF = (
    _Variant("p.V600E", 140453136, 140453136, "A", "T", MIS, 0.50),
    _Variant("p.G469A", 140481402, 140481402, "C", "G", MIS, 0.12),
    _Variant("p.G469V", 140481402, 140481402, "C", "A", MIS, 0.12),
    _Variant("p.G466V", 140481411, 140481411, "C", "A", MIS, 0.14),
    _Variant("p.D594N", 140453155, 140453155, "C", "T", MIS, 0.12),
)
# ERBB2 exon 20 (codons 770-831): c.x = chr17:37878671 + x; exon 19: c.x = 37877956 + x.
_ERBB2 = (
    _Variant("p.Y772_A775dup", 37880995, 37880996, "-", "ATACGTGATGGC", IFI, 0.36),
    _Variant("p.A775_G776insYVMA", 37880995, 37880996, "-", "ATACGTGATGGC", IFI, 0.08),
    _Variant("p.G776delinsVC", 37880997, 37880998, "-", "TAT", IFI, 0.12),
    _Variant("p.G778_P780dup", 37881011, 37881012, "-", "GGCTCCCCA", IFI, 0.06),
    _Variant("p.L755S", 37880220, 37880220, "T", "C", MIS, 0.08),
    _Variant("p.V777L", 37881000, 37881000, "G", "T", MIS, 0.08),
    _Variant("p.D769Y", 37880261, 37880261, "G", "T", MIS, 0.05),
    _Variant("p.S310F", 37868208, 37868208, "C", "T", MIS, 0.11),
    _Variant("p.S310Y", 37868208, 37868208, "C", "A", MIS, 0.06),
)
_TP53 = tuple(
    _Variant(h, s, s, r, a, c, 1.0)
    for h, s, r, a, c in (
        ("p.R273L", 7577120, "C", "A", MIS),
        ("p.R273H", 7577120, "C", "T", MIS),
        ("p.R248Q", 7577538, "C", "T", MIS),
        ("p.R158L", 7578457, "C", "A", MIS),
        ("p.G245V", 7577547, "C", "A", MIS),
        ("p.R110L", 7579358, "C", "A", MIS),
        ("p.A159P", 7578455, "C", "G", MIS),
        ("p.R213*", 7578212, "G", "A", NON),
        ("p.R249M", 7577535, "C", "A", MIS),
        ("p.V157F", 7578461, "C", "A", MIS),
        ("p.R175H", 7578406, "C", "T", MIS),
        ("p.Q192*", 7578275, "G", "A", NON),
        ("p.E198*", 7578257, "C", "A", NON),
    )
)
_STK11 = (
    _Variant("p.M51fs", 1207065, 1207065, "G", "-", FSD, 1.0),
    _Variant("p.G279fs", 1221314, 1221314, "C", "-", FSD, 1.0),
    _Variant("p.W239C", 1220699, 1220699, "G", "T", MIS, 1.0),
    _Variant("p.E223*", 1220649, 1220649, "G", "T", NON, 1.0),
    _Variant("p.Q220*", 1220640, 1220640, "C", "T", NON, 1.0),
    _Variant("p.E70*", 1207120, 1207120, "G", "T", NON, 1.0),
    _Variant("p.G56W", 1207078, 1207078, "G", "T", MIS, 1.0),
    _Variant("p.L55fs", 1207077, 1207077, "G", "-", FSD, 1.0),
    _Variant("p.Y60fs", 1207090, 1207091, "-", "A", FSI, 1.0),
)
_KEAP1 = tuple(
    _Variant(h, s, s, r, a, c, 1.0)
    for h, s, r, a, c in (
        ("p.Q284L", 10602727, "T", "A", MIS),
        ("p.G333S", 10602581, "C", "T", MIS),
        ("p.G417V", 10602328, "C", "A", MIS),
        ("p.G480W", 10600417, "C", "A", MIS),
        ("p.R470C", 10600447, "G", "A", MIS),
        ("p.R320W", 10602620, "G", "A", MIS),
        ("p.Y345*", 10602543, "G", "C", NON),
        ("p.D236N", 10602872, "C", "T", MIS),
        ("p.E441*", 10602257, "C", "A", NON),
    )
)

# Driver codes (patient level)
D_NONE, D_KRAS, D_EGFR, D_ALK, D_ROS1, D_RET, D_BRAF, D_ERBB2_MUT, D_ERBB2_AMP = range(9)
_MAF_DRIVERS = {
    D_KRAS: ("KRAS", _KRAS),
    D_EGFR: ("EGFR", _EGFR),
    D_BRAF: ("BRAF", _BRAF),
    D_ERBB2_MUT: ("ERBB2", _ERBB2),
}
_ERBB2_DRIVER_HGVSP = frozenset(v.hgvsp for v in _ERBB2)
_SECOND_DRIVERS = (D_KRAS, D_EGFR, D_ERBB2_MUT, D_BRAF)

# P(driver) for (LUAD-like never, LUAD-like ever, LUSC never, LUSC ever); column order is the
# driver code order above, D_NONE takes the rest.
_DRIVER_P = np.array(
    [
        [0.08, 0.42, 0.10, 0.04, 0.03, 0.02, 0.06, 0.02],
        [0.36, 0.075, 0.023, 0.008, 0.01, 0.03, 0.012, 0.009],
        [0.03, 0.08, 0.01, 0.0, 0.0, 0.01, 0.01, 0.015],
        [0.04, 0.02, 0.003, 0.0, 0.0, 0.01, 0.004, 0.01],
    ]
)


class _Fusion(NamedTuple):
    site1: str
    range1: tuple[int, int]
    site2: str
    range2: tuple[int, int]
    sv_class: str
    weight: float


_FUSIONS = {
    D_ALK: (
        _Fusion("EML4", (42522300, 42523500), "ALK", (29446400, 29448300), "INVERSION", 0.9),
        _Fusion("KIF5B", (32304000, 32306000), "ALK", (29446400, 29448300), "TRANSLOCATION", 0.1),
    ),
    D_ROS1: (
        _Fusion(
            "CD74", (149783000, 149784200), "ROS1", (117641200, 117658000), "TRANSLOCATION", 0.5
        ),
        _Fusion(
            "SLC34A2", (25665000, 25668000), "ROS1", (117641200, 117658000), "TRANSLOCATION", 0.3
        ),
        _Fusion("EZR", (159191000, 159193000), "ROS1", (117641200, 117658000), "INVERSION", 0.2),
    ),
    D_RET: (
        _Fusion("KIF5B", (32310000, 32317000), "RET", (43610200, 43612000), "INVERSION", 0.7),
        _Fusion("CCDC6", (61600000, 61660000), "RET", (43610200, 43612000), "INVERSION", 0.3),
    ),
}
_PASSENGER_SV_GENES = ("LRP1B", "PTPRD")

_AA = "ACDEFGHIKLMNPQRSTVWY"
_BASES = "ACGT"
_CHROM_RANK = {str(i): i for i in range(1, 23)} | {"X": 23, "Y": 24}

_MAF_COLUMNS = (
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position",
    "End_Position", "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele",
    "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSp_Short",
    "Protein_position", "t_ref_count", "t_alt_count",
)  # fmt: skip
_SV_COLUMNS = (
    "Sample_Id", "SV_Status", "Site1_Hugo_Symbol", "Site1_Entrez_Gene_Id", "Site1_Chromosome",
    "Site1_Position", "Site2_Hugo_Symbol", "Site2_Entrez_Gene_Id", "Site2_Chromosome",
    "Site2_Position", "Event_Info", "Class", "NCBI_Build",
)  # fmt: skip

MUTATIONS_FILE = "data_mutations.txt"
CNA_FILE = "data_CNA.txt"
SV_FILE = "data_sv.txt"
EXPR_FILE = "data_mrna_seq_v2_rsem_zscores_ref_all_samples.txt"
PATIENT_FILE = "data_clinical_patient.txt"
SAMPLE_FILE = "data_clinical_sample.txt"
MATRIX_FILE = "data_gene_panel_matrix.txt"


# --------------------------------------------------------------------------------------
# Public result types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlantedRow:
    """One deliberately placed row: where it is and why it is there.

    ``line`` is the 1-based line number in ``file`` (header and ``#`` lines included);
    ``column`` names the offending column (for the wide CNA file: the sample id).
    """

    study: str
    file: str
    line: int
    column: str
    reason: str
    value: str


@dataclass
class DemoManifest:
    """What :func:`write_demo_studies` wrote.

    Attributes:
        seed, scale: the arguments used.
        study_dirs: one folder per study, in the order written.
        row_counts: ``{study_id: {file name: data rows}}``. Data rows exclude header and
            ``#`` lines and include planted bad rows; for wide files (CNA, expression) a
            row is a gene.
        bad_rows: deliberately invalid rows that a loader must quarantine.
        special_rows: valid but tricky rows (alias gene symbols, the unrelated ERBB2IP).
        unmutated_sequenced_samples: ``{study_id: [sample ids]}`` of samples that are in
            ``cases_sequenced`` but have no MAF row at all (profiled, unaltered).
    """

    seed: int
    scale: str
    study_dirs: list[Path] = field(default_factory=list)
    row_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    bad_rows: list[PlantedRow] = field(default_factory=list)
    special_rows: list[PlantedRow] = field(default_factory=list)
    unmutated_sequenced_samples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        """Distinct samples written over all studies (the duplicated row not counted)."""
        dups = sum(1 for b in self.bad_rows if b.file == SAMPLE_FILE)
        return sum(c.get(SAMPLE_FILE, 0) for c in self.row_counts.values()) - dups


# --------------------------------------------------------------------------------------
# Study layouts
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Panel:
    panel_id: str
    short: str  # suffix used in GENIE-like sample ids
    description: str
    genes: tuple[str, ...]


@dataclass(frozen=True)
class _StudySpec:
    index: int
    study_id: str
    name: str
    description: str
    n_patients: int
    panels: tuple[_Panel, ...]
    panel_weights: tuple[float, ...]
    genie_ids: bool  # GENIE-like ids (GENIE-XXX-P-0000001-T01-V2) instead of H2L-00001-T1
    id_prefix: str
    multi_sample_frac: float = 0.05
    seq_frac: float = 0.985
    cna_frac: float = 0.90
    sv_frac: float = 0.85
    expr_frac: float = 0.70
    # passenger MAF rows drawn per sample: base + Poisson(mean), before panel filtering
    passenger_base: int = 6
    passenger_mean: float = 3.5


_GENIE_CENTERS = (
    "MSK", "DFCI", "MDA", "VICC", "UHN", "GRCC", "NKI", "JHU", "UCSF", "WAKE",
    "COLU", "YALE", "DUKE", "UCHI", "PROV", "SCI", "CRUK", "VHIO", "MCI", "UMN",
)  # fmt: skip
_GENIE_WEIGHTS = (36, 14, 8, 6, 5, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1.5, 1.5, 1, 1, 1, 1)
_MIN_STUDY_SAMPLES = 20  # the smallest centre of a multi-study scale
_MULTI_SCALES = {  # scale -> (number of studies, total samples)
    "small": (4, 3_000),
    "genie": (20, 250_000),
}
_CORE_PANEL_GENES = (
    "KRAS", "EGFR", "BRAF", "TP53", "STK11", "KEAP1", "NRAS", "PIK3CA", "MET", "PTEN",
    "CDKN2A", "ROS1", "RET", "ATM", "ARID1A", "SMARCA4", "NF1", "RB1", "MYC",
)  # fmt: skip


def _demo_specs(n_patients: int) -> list[_StudySpec]:
    large = _Panel(
        "H2L_WES_V2",
        "V2",
        "Synthetic exome-like panel (her2lung demo), all generated genes including ERBB2",
        tuple(sorted(_UNIVERSE)),
    )
    small = _Panel(
        "H2L_HOTSPOT_V1",
        "V1",
        "Synthetic older hotspot panel (her2lung demo); does not cover ERBB2",
        tuple(sorted(_SMALL_PANEL_GENES)),
    )
    return [
        _StudySpec(
            index=0,
            study_id=DEMO_STUDY_ID,
            name="HER2 in NSCLC: synthetic demo cohort (her2lung)",
            description=(
                "Synthetic non-small cell lung cancer study generated by her2lung for demos and "
                "tests. Not real patient data. LUAD-like driver frequencies, ERBB2 exon-20 "
                "insertions and 17q12 amplifications, two gene panels (one without ERBB2)."
            ),
            n_patients=n_patients,
            panels=(large, small),
            panel_weights=(0.9, 0.1),
            genie_ids=False,
            id_prefix="H2L",
        )
    ]


def _multi_specs(scale: str, n_studies: int, total_samples: int) -> list[_StudySpec]:
    if not 1 <= n_studies <= len(_GENIE_CENTERS):
        raise ValueError(f"n_studies must be 1 to {len(_GENIE_CENTERS)}, not {n_studies}")
    layout_rng = np.random.default_rng([0x48324C, n_studies])  # fixed layout, seed-free
    weights = np.array(_GENIE_WEIGHTS[:n_studies], dtype=float)
    weights /= weights.sum()
    # centres are sized as in GENIE: below this total the smallest would be raised to its
    # minimum, and more samples written than asked for
    least = math.ceil(_MIN_STUDY_SAMPLES / weights.min())
    if total_samples < least:
        raise ValueError(
            f"n_samples must be at least {least} for {n_studies} studies "
            f"({_MIN_STUDY_SAMPLES} samples in the smallest centre), not {total_samples}"
        )
    multi_frac = 0.08
    specs = []
    optional = [g for g in _UNIVERSE if g not in _CORE_PANEL_GENES + ("ERBB2", "ALK")]
    for ci in range(n_studies):
        center = _GENIE_CENTERS[ci]
        n_panels = 3 - (ci % 3)
        panels = []
        for v in range(1, n_panels + 1):
            keep = layout_rng.random(len(optional)) < 0.35 + 0.65 * v / n_panels
            genes = set(_CORE_PANEL_GENES) | {g for g, k in zip(optional, keep, strict=True) if k}
            no_erbb2 = v == 1 and n_panels == 3
            no_alk = v == 1 and n_panels == 2
            if not no_erbb2:
                genes.add("ERBB2")
            if not no_alk:
                genes.add("ALK")
            missing = [g for g, flag in (("ERBB2", no_erbb2), ("ALK", no_alk)) if flag]
            note = f"; does not cover {', '.join(missing)}" if missing else ""
            panels.append(
                _Panel(
                    f"{center}-SYN-V{v}",
                    f"V{v}",
                    f"Synthetic {center} targeted panel v{v}, {len(genes)} genes{note}",
                    tuple(sorted(genes)),
                )
            )
        pw = np.arange(1, n_panels + 1, dtype=float)
        pw /= pw.sum()
        n_samples = max(int(round(total_samples * weights[ci])), _MIN_STUDY_SAMPLES)
        has_expr = ci % 5 == 1
        specs.append(
            _StudySpec(
                index=ci,
                study_id=f"her2lung_{scale}_{center.lower()}",
                name=f"Synthetic GENIE-like NSCLC cohort, centre {center} (her2lung {scale})",
                description=(
                    f"Synthetic targeted-panel NSCLC study modelled on the AACR GENIE layout "
                    f"(centre {center}); generated by her2lung, not real patient data."
                ),
                n_patients=max(int(round(n_samples / (1 + multi_frac))), 10),
                panels=tuple(panels),
                panel_weights=tuple(float(x) for x in pw),
                genie_ids=True,
                id_prefix=f"GENIE-{center}",
                multi_sample_frac=multi_frac,
                seq_frac=0.99,
                cna_frac=0.93,
                sv_frac=0.80 if ci % 2 == 0 else 0.0,
                expr_frac=0.60 if has_expr else 0.0,
                passenger_base=8,
                passenger_mean=5.0,
            )
        )
    return specs


# --------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------


def write_demo_studies(
    out_dir: Path,
    *,
    seed: int = 8534,
    n_patients: int = 2000,
    scale: str = "demo",
    n_samples: int | None = None,
    n_studies: int | None = None,
) -> DemoManifest:
    """Write synthetic cBioPortal study folders under ``out_dir`` and describe them.

    Args:
        out_dir: parent folder; created if needed. Each study goes to
            ``out_dir/<study_id>/``; an existing folder of that name is replaced.
        seed: non-negative integer; the same arguments give byte-identical files.
        n_patients: number of patients for ``scale="demo"`` (ignored by the fixed-size
            multi-study scales ``"small"`` and ``"genie"``).
        scale: ``"demo"`` (one study), ``"small"`` (4 GENIE-like studies, ~3,000 samples)
            or ``"genie"`` (20 studies, ~250,000 samples).
        n_samples: about this many samples in all, for ``"small"`` and ``"genie"`` (default
            3,000 and 250,000); enough for 20 samples in the smallest centre (e.g. 2,020 for
            20 studies, 145 for 3).
        n_studies: this many studies (centres), 1 to 20, for ``"small"`` and ``"genie"``
            (default 4 and 20).

    Returns:
        A :class:`DemoManifest` listing the folders, per-file row counts and planted rows.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    if scale == "demo":
        if n_patients < 50:
            raise ValueError(f"n_patients must be at least 50, not {n_patients}")
        if n_samples is not None or n_studies is not None:
            raise ValueError(
                "n_samples and n_studies size the multi-study scales 'small' and 'genie'; "
                "the 'demo' scale is one study of n_patients patients"
            )
        specs = _demo_specs(int(n_patients))
    else:
        default_studies, default_samples = _MULTI_SCALES[scale]
        n_studies = default_studies if n_studies is None else int(n_studies)
        n_samples = default_samples if n_samples is None else int(n_samples)
        specs = _multi_specs(scale, n_studies, n_samples)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = DemoManifest(seed=int(seed), scale=scale)
    for spec in specs:
        final = out_dir / spec.study_id
        partial = out_dir / f".{spec.study_id}.partial"
        if partial.exists():
            shutil.rmtree(partial)
        partial.mkdir()
        _StudyWriter(spec, int(seed), partial, manifest).write()
        if final.exists():
            shutil.rmtree(final)
        partial.rename(final)
        manifest.study_dirs.append(final)
    return manifest


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------


def _cdf(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    return c


def _pick(cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


def _baseline_rate() -> float:
    """Exponential rate so that the stage mixture has median survival ``_MEDIAN_OS``."""
    lo, hi = 1e-6, 1.0
    for _ in range(80):
        mid = (lo + hi) / 2
        s = sum(
            w * math.exp(-mid * h * _MEDIAN_OS) for w, h in zip(_STAGE_W, _STAGE_HR, strict=True)
        )
        lo, hi = (mid, hi) if s > 0.5 else (lo, mid)
    return (lo + hi) / 2


def _open(path: Path) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)


class _StudyWriter:
    """Generates one study: patient/sample arrays first, then each file in turn."""

    def __init__(self, spec: _StudySpec, seed: int, folder: Path, manifest: DemoManifest):
        self.spec = spec
        self.seed = seed
        self.folder = folder
        self.manifest = manifest
        self.sid = spec.study_id
        self.counts: dict[str, int] = {}
        manifest.row_counts[self.sid] = self.counts
        # panel x gene membership over the gene universe
        self.panel_has = np.zeros((len(spec.panels), len(_UNIVERSE)), dtype=bool)
        for p, panel in enumerate(spec.panels):
            self.panel_has[p, [_GIDX[g] for g in panel.genes]] = True

    def _rng(self, *stream: int) -> np.random.Generator:
        scale = SCALES.index(self.manifest.scale)
        return np.random.default_rng([self.seed, scale, self.spec.index, *stream])

    # ---------------------------------------------------------------- orchestration
    def write(self) -> None:
        self._make_patients()
        self._make_samples()
        self._plant_choices()
        self._write_patients()
        self._write_samples()
        self._write_mutations()
        if self.spec.sv_frac > 0:
            self._write_sv()
        self._write_cna()
        if self.spec.expr_frac > 0:
            self._write_expression()
        self._write_panels()
        self._write_case_lists()
        self._write_meta()

    # ---------------------------------------------------------------- patient level
    def _make_patients(self) -> None:
        spec = self.spec
        n = spec.n_patients
        rng = self._rng(1)
        hist = _pick(_cdf([h[2] for h in _HISTOLOGY]), rng.random(n))
        lusc = hist == 1
        u = rng.random(n)
        never = np.where(lusc, u < 0.04, u < 0.24)
        former = ~never & (rng.random(n) < np.where(lusc, 0.57, 0.66))
        smoke = np.where(never, 0, np.where(former, 1, 2))
        # recorded text
        text_u = rng.random(n)
        cum = [np.cumsum(w).tolist() for _, w in _SMOKING_CHOICES]
        smoke_text = []
        for cat, tu in zip(smoke.tolist(), text_u.tolist(), strict=True):
            texts = _SMOKING_CHOICES[cat][0]
            smoke_text.append(texts[min(bisect.bisect_right(cum[cat], tu), len(texts) - 1)])
        miss = rng.random(n) < 0.07
        miss_kind = rng.integers(0, 3, n)
        for i in np.flatnonzero(miss).tolist():
            smoke_text[i] = _MISSING_TEXTS[int(miss_kind[i])]

        female = rng.random(n) < np.where(lusc, 0.35, 0.53)
        age = np.clip(np.rint(rng.normal(66, 9.5, n)), 33, 90).astype(int)
        age_missing = rng.random(n) < 0.005
        stage = _pick(_cdf(_STAGE_W), rng.random(n))

        # drivers
        group = np.where(lusc, 2, 0) + np.where(never, 0, 1)
        driver = np.zeros(n, dtype=np.int8)
        ud = rng.random(n)
        for g in range(4):
            m = group == g
            probs = _DRIVER_P[g]
            c = np.concatenate([[0.0], np.cumsum(probs)])
            # u < c[k+1] and >= c[k] -> driver k+1 ; above the total -> none
            code = np.searchsorted(c, ud[m], side="right")
            driver[m] = np.where(code <= len(probs), code, 0)
        uv = rng.random(n)
        driver_var = np.zeros(n, dtype=np.int16)
        for code, (_, table) in _MAF_DRIVERS.items():
            m = driver == code
            driver_var[m] = _pick(_cdf([v.weight for v in table]), uv[m])
        for code, table in _FUSIONS.items():
            m = driver == code
            driver_var[m] = _pick(_cdf([f.weight for f in table]), uv[m])
        fusion_off = rng.random((n, 2))
        t790m = (driver == D_EGFR) & (driver_var <= 2) & (rng.random(n) < 0.08)
        # a few patients with two drivers
        second = np.zeros(n, dtype=np.int8)
        m2 = (driver != D_NONE) & (rng.random(n) < 0.015)
        pick2 = rng.integers(0, len(_SECOND_DRIVERS), n)
        for i in np.flatnonzero(m2).tolist():
            k = int(pick2[i])
            cand = _SECOND_DRIVERS[k]
            if cand == driver[i]:
                cand = _SECOND_DRIVERS[(k + 1) % len(_SECOND_DRIVERS)]
            second[i] = cand
        uv2 = rng.random(n)
        second_var = np.zeros(n, dtype=np.int16)
        for code, (_, table) in _MAF_DRIVERS.items():
            m = second == code
            second_var[m] = _pick(_cdf([v.weight for v in table]), uv2[m])
        erbb2_amp = (driver == D_ERBB2_AMP) | ((driver == D_EGFR) & (rng.random(n) < 0.03))

        # co-mutations
        kras = driver == D_KRAS
        egfr = driver == D_EGFR
        p_tp53 = np.where(lusc, 0.80, np.where(egfr, 0.55, 0.44))
        p_stk11 = np.where(lusc, 0.03, np.where(kras, 0.28, np.where(egfr, 0.02, 0.14)))
        p_keap1 = np.where(lusc, 0.12, np.where(kras, 0.22, np.where(egfr, 0.03, 0.15)))
        comut = {}
        for name, p, table in (
            ("TP53", p_tp53, _TP53),
            ("STK11", p_stk11, _STK11),
            ("KEAP1", p_keap1, _KEAP1),
        ):
            has = rng.random(n) < p
            var = rng.integers(0, len(table), n)
            comut[name] = np.where(has, var, -1)

        # ERBB2 expression (patient level: all samples of a patient agree)
        erbb2_high = erbb2_amp | (rng.random(n) < np.where(never, 0.08, 0.05))

        # survival
        lam0 = _baseline_rate()
        hr = np.asarray(_STAGE_HR)[stage] * np.where(never & erbb2_high, _PLANTED_HR, 1.0)
        t_event = rng.exponential(1.0, n) / (lam0 * hr)
        t_cens = np.minimum(rng.exponential(_MEDIAN_OS / math.log(2), n), 150.0)
        os_months = np.minimum(t_event, t_cens)
        os_event = t_event <= t_cens
        status_missing = rng.random(n) < 0.015
        months_missing = rng.random(n) < 0.01
        miss_kind2 = rng.integers(0, 3, (n, 2))

        n_samp = 1 + (rng.random(n) < spec.multi_sample_frac).astype(np.int8)

        self.n = n
        self.hist = hist
        self.smoke = smoke
        self.never = never
        self.smoke_text = smoke_text
        self.female = female
        self.age = age
        self.age_missing = age_missing
        self.stage = stage
        self.driver = driver
        self.driver_var = driver_var
        self.fusion_off = fusion_off
        self.t790m = t790m
        self.second = second
        self.second_var = second_var
        self.erbb2_amp = erbb2_amp
        self.erbb2_high = erbb2_high
        self.comut = comut
        self.os_months = os_months
        self.os_event = os_event
        self.status_missing = status_missing
        self.months_missing = months_missing
        self.miss_kind2 = miss_kind2
        self.n_samp = n_samp
        width = max(5, len(str(n)))
        if spec.genie_ids:
            self.patient_ids = [f"{spec.id_prefix}-P-{i + 1:07d}" for i in range(n)]
        else:
            self.patient_ids = [f"{spec.id_prefix}-{i + 1:0{width}d}" for i in range(n)]
        self.ghost_id = (
            f"{spec.id_prefix}-P-{n + 1:07d}-T01-V9"
            if spec.genie_ids
            else f"{spec.id_prefix}-{n + 1:0{width}d}-T1"
        )

    # ---------------------------------------------------------------- sample level
    def _make_samples(self) -> None:
        spec = self.spec
        rng = self._rng(2)
        s_pat = np.repeat(np.arange(self.n), self.n_samp)
        ns = len(s_pat)
        s_num = np.ones(ns, dtype=np.int8)
        s_num[1:][s_pat[1:] == s_pat[:-1]] = 2
        s_panel = _pick(_cdf(spec.panel_weights), rng.random(ns))
        s_mut = rng.random(ns) < spec.seq_frac
        s_cna = s_mut & (rng.random(ns) < spec.cna_frac / spec.seq_frac)
        s_sv = rng.random(ns) < spec.sv_frac
        s_expr = rng.random(ns) < spec.expr_frac
        no_driver = (self.driver[s_pat] == D_NONE) & (self.second[s_pat] == D_NONE)
        s_empty = s_mut & no_driver & (rng.random(ns) < 0.02)
        ids = []
        for p, k, pan in zip(s_pat.tolist(), s_num.tolist(), s_panel.tolist(), strict=True):
            pid = self.patient_ids[p]
            if spec.genie_ids:
                ids.append(f"{pid}-T{k:02d}-{spec.panels[pan].short}")
            else:
                ids.append(f"{pid}-T{k}")
        self.ns = ns
        self.s_pat = s_pat
        self.s_num = s_num
        self.s_panel = s_panel
        self.s_mut = s_mut
        self.s_cna = s_cna
        self.s_sv = s_sv
        self.s_expr = s_expr
        self.s_empty = s_empty
        self.sample_ids = ids

    def _plant_choices(self) -> None:
        """Choose where the deliberately bad rows go (indexes only; lines come later)."""
        rng = self._rng(3)
        pat_ok = np.flatnonzero(
            (self.n_samp == 1)
            & ~(self.never & self.erbb2_high)
            & ~self.status_missing
            & ~self.months_missing
        )
        bad_pat = rng.choice(pat_ok, 3, replace=False).tolist()
        self.bad_os_negative, self.bad_os_text, self.bad_os_status = bad_pat
        has_passenger = self.panel_has[:, [_GIDX[g] for g in _PASSENGERS]].any(axis=1)
        samp_ok = np.flatnonzero(self.s_mut & ~self.s_empty & has_passenger[self.s_panel])
        typo, nogene, ghost = rng.choice(samp_ok, 3, replace=False).tolist()
        self.bad_maf = {typo: "typo", nogene: "nogene", ghost: "ghost"}
        self.dup_sample = int(rng.integers(0, self.ns))
        # CNA: a value of 3 for a gene outside the ERBB2 region, on the sample's panel
        for gene in ("MYC", "CDKN2A", "TP53", "KRAS"):
            ok = np.flatnonzero(self.s_cna & self.panel_has[self.s_panel, _GIDX[gene]])
            if len(ok):
                self.bad_cna = (gene, int(rng.choice(ok)))
                break
        else:  # pragma: no cover - every panel has the core genes
            raise RuntimeError("no sample to plant the bad CNA value in")

    def _bad(self, file: str, line: int, column: str, reason: str, value: str) -> None:
        self.manifest.bad_rows.append(PlantedRow(self.sid, file, line, column, reason, value))

    def _special(self, file: str, line: int, column: str, reason: str, value: str) -> None:
        self.manifest.special_rows.append(PlantedRow(self.sid, file, line, column, reason, value))

    # ---------------------------------------------------------------- clinical files
    def _write_patients(self) -> None:
        header = [
            ("PATIENT_ID", "Patient Identifier", "Identifier to uniquely specify a patient.",
             "STRING"),
            ("SEX", "Sex", "Sex of the patient (Male/Female).", "STRING"),
            ("AGE", "Diagnosis Age", "Age at diagnosis in years.", "NUMBER"),
            ("STAGE", "Neoplasm Disease Stage", "AJCC stage at diagnosis.", "STRING"),
            ("SMOKING_HISTORY", "Smoking History",
             "Smoking history as recorded by the site (free text).", "STRING"),
            ("OS_STATUS", "Overall Survival Status", "Overall survival status.", "STRING"),
            ("OS_MONTHS", "Overall Survival (Months)",
             "Overall survival in months since diagnosis.", "NUMBER"),
        ]  # fmt: skip
        path = self.folder / PATIENT_FILE
        with _open(path) as f:
            _write_clinical_header(f, header)
            first_line = 6
            for i in range(self.n):
                if self.status_missing[i]:
                    status = _MISSING_TEXTS[int(self.miss_kind2[i, 0])]
                else:
                    status = "1:DECEASED" if self.os_event[i] else "0:LIVING"
                if self.months_missing[i]:
                    months = _MISSING_TEXTS[int(self.miss_kind2[i, 1])]
                else:
                    months = f"{self.os_months[i]:.2f}"
                line = first_line + i
                if i == self.bad_os_negative:
                    months = "-3.2"
                    self._bad(PATIENT_FILE, line, "OS_MONTHS", "negative OS_MONTHS", months)
                elif i == self.bad_os_text:
                    months = "abc"
                    self._bad(PATIENT_FILE, line, "OS_MONTHS", "unparsable OS_MONTHS", months)
                elif i == self.bad_os_status:
                    status = "2:MAYBE"
                    self._bad(PATIENT_FILE, line, "OS_STATUS", "unknown OS_STATUS", status)
                st = int(self.stage[i])
                f.write(
                    "\t".join(
                        (
                            self.patient_ids[i],
                            "Female" if self.female[i] else "Male",
                            "NA" if self.age_missing[i] else str(int(self.age[i])),
                            _STAGES[st] if st < len(_STAGES) else "[Not Available]",
                            self.smoke_text[i],
                            status,
                            months,
                        )
                    )
                    + "\n"
                )
        self.counts[PATIENT_FILE] = self.n

    def _write_samples(self) -> None:
        header = [
            ("PATIENT_ID", "Patient Identifier", "Identifier to uniquely specify a patient.",
             "STRING"),
            ("SAMPLE_ID", "Sample Identifier", "Identifier to uniquely specify a sample.",
             "STRING"),
            ("CANCER_TYPE", "Cancer Type", "Cancer type (OncoTree).", "STRING"),
            ("CANCER_TYPE_DETAILED", "Cancer Type Detailed", "Detailed cancer type (OncoTree).",
             "STRING"),
            ("ONCOTREE_CODE", "Oncotree Code", "OncoTree code.", "STRING"),
            ("SAMPLE_TYPE", "Sample Type", "Primary tumour or metastasis.", "STRING"),
        ]  # fmt: skip
        path = self.folder / SAMPLE_FILE

        def row(i: int) -> str:
            code, detailed, _ = _HISTOLOGY[int(self.hist[self.s_pat[i]])]
            kind = "Primary" if self.s_num[i] == 1 else "Metastasis"
            pid = self.patient_ids[self.s_pat[i]]
            return "\t".join(
                (pid, self.sample_ids[i], "Non-Small Cell Lung Cancer", detailed, code, kind)
            )

        with _open(path) as f:
            _write_clinical_header(f, header)
            for i in range(self.ns):
                f.write(row(i) + "\n")
            f.write(row(self.dup_sample) + "\n")
        self._bad(
            SAMPLE_FILE,
            6 + self.ns,
            "SAMPLE_ID",
            "duplicate SAMPLE_ID",
            self.sample_ids[self.dup_sample],
        )
        self.counts[SAMPLE_FILE] = self.ns + 1

    # ---------------------------------------------------------------- mutations
    def _write_mutations(self) -> None:
        spec = self.spec
        rng = self._rng(4)
        path = self.folder / MUTATIONS_FILE
        pas_idx = [_GIDX[g] for g in _PASSENGERS]
        pas_cdf = np.cumsum([_GENE[g].protein_length ** 0.7 for g in _PASSENGERS])
        pas_cdf = (pas_cdf / pas_cdf[-1]).tolist()
        cls_cdf = np.cumsum([w for _, w in _PASSENGER_CLASSES])
        cls_cdf = (cls_cdf / cls_cdf[-1]).tolist()
        cls_names = [c for c, _ in _PASSENGER_CLASSES]
        i_erbb2, i_erbb2ip, i_ttn = _GIDX["ERBB2"], _GIDX["ERBB2IP"], _GIDX["TTN"]
        erbb2_driver_rows = 0
        unmutated: list[str] = []
        self.manifest.unmutated_sequenced_samples[self.sid] = unmutated
        line = 2  # line of the header row
        rows_written = 0
        with _open(path) as f:
            f.write("#version 2.4\n")
            f.write("\t".join(_MAF_COLUMNS) + "\n")
            for s in range(self.ns):
                if not self.s_mut[s]:
                    continue
                if self.s_empty[s]:
                    unmutated.append(self.sample_ids[s])
                    continue
                p = int(self.s_pat[s])
                has = self.panel_has[self.s_panel[s]]
                sid = self.sample_ids[s]
                k = spec.passenger_base + int(rng.poisson(spec.passenger_mean))
                u = rng.random((k + 12, 8)).tolist()
                rows: list[tuple] = []  # (gene, start, end, class, ref, alt, HGVSp)
                for code, var in (
                    (int(self.driver[p]), int(self.driver_var[p])),
                    (int(self.second[p]), int(self.second_var[p])),
                ):
                    if code in _MAF_DRIVERS:
                        gene, table = _MAF_DRIVERS[code]
                        if has[_GIDX[gene]]:
                            rows.append(_variant_row(gene, table[var]))
                if self.t790m[p] and has[_GIDX["EGFR"]]:
                    rows.append(_variant_row("EGFR", _EGFR_T790M))
                for gene, table in (("TP53", _TP53), ("STK11", _STK11), ("KEAP1", _KEAP1)):
                    var = int(self.comut[gene][p])
                    if var >= 0 and has[_GIDX[gene]]:
                        rows.append(_variant_row(gene, table[var]))
                for j in range(k):
                    uj = u[j]
                    g = pas_idx[bisect.bisect_right(pas_cdf, uj[0])]
                    if has[g]:
                        cls = cls_names[
                            min(bisect.bisect_right(cls_cdf, uj[1]), len(cls_names) - 1)
                        ]
                        rows.append(_synthetic_row(_UNIVERSE[g], cls, uj))
                extra = u[k]
                if has[i_erbb2] and extra[0] < 0.012:
                    cls = SIL if extra[1] < 0.6 else "Intron"
                    rows.append(_synthetic_row("ERBB2", cls, u[k + 1]))
                if has[i_erbb2ip] and extra[2] < 0.01:
                    rows.append(_synthetic_row("ERBB2IP", MIS, u[k + 2]))
                # no duplicate (gene, start) per sample; then genomic order
                seen: set[tuple[str, int]] = set()
                unique = []
                for r in rows:
                    key = (r[0], r[1])
                    if key not in seen:
                        seen.add(key)
                        unique.append(r)
                unique.sort(key=lambda r: (_CHROM_RANK[_GENE[r[0]].chrom], r[1], r[0]))
                if not unique and self.bad_maf.get(s, "ghost") == "ghost":
                    unmutated.append(sid)  # sequenced, but not a single line in the file
                for j, r in enumerate(unique):
                    gene = r[0]
                    symbol = gene
                    if gene == "ERBB2" and r[6] in _ERBB2_DRIVER_HGVSP:
                        erbb2_driver_rows += 1
                        if erbb2_driver_rows % 8 == 3:
                            symbol = "HER2" if (erbb2_driver_rows // 8) % 2 == 0 else "NEU"
                    uj = u[j]  # columns 6-7 (read depth, VAF) are unused elsewhere
                    line += 1
                    rows_written += 1
                    f.write(_maf_line(symbol, _GENE[gene].entrez, r, sid, uj[6], uj[7]))
                    if symbol != gene:
                        self._special(
                            MUTATIONS_FILE, line, "Hugo_Symbol", "alias symbol for ERBB2", symbol
                        )
                    elif gene == "ERBB2IP":
                        self._special(
                            MUTATIONS_FILE,
                            line,
                            "Hugo_Symbol",
                            "ERBB2IP (Entrez 55914) is not ERBB2",
                            symbol,
                        )
                kind = self.bad_maf.get(s)
                if kind is not None:
                    g = next((x for x in _PASSENGERS if has[_GIDX[x]]), "TP53")
                    uj = u[k + 1]
                    line += 1
                    rows_written += 1
                    if kind == "typo":
                        r = _synthetic_row(g, MIS, uj)
                        f.write(
                            _maf_line(g, _GENE[g].entrez, r, sid, uj[6], uj[7]).replace(
                                MIS, "Missense_Mutaton"
                            )
                        )
                        self._bad(
                            MUTATIONS_FILE,
                            line,
                            "Variant_Classification",
                            "unknown Variant_Classification",
                            "Missense_Mutaton",
                        )
                    elif kind == "nogene":
                        r = _synthetic_row(g, MIS, uj)
                        f.write(_maf_line("", 0, r, sid, uj[6], uj[7]))
                        self._bad(
                            MUTATIONS_FILE,
                            line,
                            "Hugo_Symbol",
                            "no gene (empty Hugo_Symbol, Entrez_Gene_Id 0)",
                            "",
                        )
                    else:
                        g = _UNIVERSE[i_ttn]
                        r = _synthetic_row(g, MIS, uj)
                        f.write(_maf_line(g, _GENE[g].entrez, r, self.ghost_id, uj[6], uj[7]))
                        self._bad(
                            MUTATIONS_FILE,
                            line,
                            "Tumor_Sample_Barcode",
                            "sample not in the sample file",
                            self.ghost_id,
                        )
        self.counts[MUTATIONS_FILE] = rows_written

    # ---------------------------------------------------------------- structural variants
    def _write_sv(self) -> None:
        rng = self._rng(5)
        ns = self.ns
        u_pas = rng.random(ns)
        u_gene = rng.integers(0, len(_PASSENGER_SV_GENES), ns)
        u_pos = rng.random((ns, 2))
        path = self.folder / SV_FILE
        rows = 0
        with _open(path) as f:
            f.write("\t".join(_SV_COLUMNS) + "\n")
            for s in np.flatnonzero(self.s_sv).tolist():
                p = int(self.s_pat[s])
                has = self.panel_has[self.s_panel[s]]
                sid = self.sample_ids[s]
                code = int(self.driver[p])
                if code in _FUSIONS:
                    fu = _FUSIONS[code][int(self.driver_var[p])]
                    if has[_GIDX[fu.site2]]:
                        o1, o2 = self.fusion_off[p].tolist()
                        pos1 = fu.range1[0] + int(o1 * (fu.range1[1] - fu.range1[0]))
                        pos2 = fu.range2[0] + int(o2 * (fu.range2[1] - fu.range2[0]))
                        f.write(
                            _sv_line(sid, fu.site1, pos1, fu.site2, pos2,
                                     f"{fu.site1}-{fu.site2} fusion", fu.sv_class)
                        )  # fmt: skip
                        rows += 1
                if u_pas[s] < 0.03:
                    gene = _PASSENGER_SV_GENES[int(u_gene[s])]
                    if has[_GIDX[gene]]:
                        g = _GENE[gene]
                        a = g.start + int(u_pos[s, 0] * (g.end - g.start - 250_000))
                        b = a + 5_000 + int(u_pos[s, 1] * 200_000)
                        f.write(
                            _sv_line(sid, gene, a, gene, b, f"{gene} intragenic deletion",
                                     "DELETION")
                        )  # fmt: skip
                        rows += 1
        self.counts[SV_FILE] = rows

    # ---------------------------------------------------------------- copy number
    def _write_cna(self) -> None:
        cols = np.flatnonzero(self.s_cna)
        m = len(cols)
        pat = self.s_pat[cols]
        lusc = self.hist[pat] == 1
        amp_flag = self.erbb2_amp[pat]
        drv = self.driver[pat]
        panels = self.s_panel[cols]
        lut = np.array(["-2", "-1", "0", "1", "2", "NA", "3"], dtype=object)
        bad_gene, bad_sample = self.bad_cna
        bad_col = int(np.searchsorted(cols, bad_sample))
        path = self.folder / CNA_FILE
        anchors: dict[str, np.ndarray] = {}
        with _open(path) as f:
            header = "Hugo_Symbol\tEntrez_Gene_Id\t" + "\t".join(
                self.sample_ids[i] for i in cols.tolist()
            )
            f.write(header + "\n")
            for gi, gene in enumerate(_CNA_GENES):
                rng = self._rng(6, gi)
                p_del, p_loss, p_gain, p_amp = _CNA_PROBS.get(gene, _CNA_DEFAULT)
                amp = np.full(m, p_amp)
                if gene in _CNA_LUSC_AMP:
                    amp[lusc] = _CNA_LUSC_AMP[gene]
                dele = np.full(m, p_del)
                if gene == "CDKN2A":
                    dele[lusc] = 0.20
                u = rng.random(m)
                v = np.zeros(m, dtype=np.int8)
                v[u < dele] = -2
                v[(u >= dele) & (u < dele + p_loss)] = -1
                v[(u >= 1 - amp - p_gain) & (u < 1 - amp)] = 1
                v[u >= 1 - amp] = 2
                u2 = rng.random(m)
                if gene == "ERBB2":
                    v[amp_flag] = 2
                elif gene in _CNA_17Q12:
                    v[amp_flag] = np.where(u2[amp_flag] < _CNA_17Q12[gene], 2, 1)
                elif gene == "EGFR":
                    v[(drv == D_EGFR) & (u2 < 0.12)] = 2
                elif gene == "KRAS":
                    v[(drv == D_KRAS) & (u2 < 0.05)] = 2
                elif gene in ("NKX2-8", "PAX9"):
                    v[(anchors["NKX2-1"] == 2) & (u2 < 0.85)] = 2
                elif gene in ("CDKN2B", "MTAP"):
                    p_co = 0.8 if gene == "CDKN2B" else 0.6
                    v[(anchors["CDKN2A"] == -2) & (u2 < p_co)] = -2
                if gene in ("NKX2-1", "CDKN2A"):
                    anchors[gene] = v.copy()
                codes = (v + 2).astype(np.int8)
                codes[~self.panel_has[panels, _GIDX[gene]]] = 5
                codes[rng.random(m) < 0.002] = 5
                if gene == bad_gene:
                    codes[bad_col] = 6
                    self._bad(
                        CNA_FILE, 2 + gi, self.sample_ids[bad_sample], "CNA value not allowed", "3"
                    )
                f.write(f"{gene}\t{_GENE[gene].entrez}\t" + "\t".join(lut[codes].tolist()) + "\n")
        self.counts[CNA_FILE] = len(_CNA_GENES)

    # ---------------------------------------------------------------- expression
    def _write_expression(self) -> None:
        cols = np.flatnonzero(self.s_expr)
        m = len(cols)
        pat = self.s_pat[cols]
        lusc = self.hist[pat] == 1
        amp = self.erbb2_amp[pat]
        high = self.erbb2_high[pat]
        alk = self.driver[pat] == D_ALK
        path = self.folder / EXPR_FILE
        with _open(path) as f:
            f.write(
                "Hugo_Symbol\tEntrez_Gene_Id\t"
                + "\t".join(self.sample_ids[i] for i in cols.tolist())
                + "\n"
            )
            for gi, gene in enumerate(_EXPR_GENES):
                rng = self._rng(7, gi)
                z = rng.normal(0.0, 1.0, m)
                u = rng.random(m)
                if gene == "ERBB2":
                    base = np.clip(z * 0.8, -2.8, 1.95)
                    z = np.where(amp, 2.2 + 2.8 * u, np.where(high, 2.0 + 1.6 * u, base))
                elif gene in ("GRB7", "STARD3", "PGAP3", "MIEN1"):
                    z = np.where(amp, 2.5 + 0.6 * z, z)
                elif gene == "ALK":
                    z = np.where(alk, 3.0 + 0.5 * z, z * 0.7)
                elif gene == "NKX2-1":
                    z = np.where(lusc, -1.2 + 0.6 * z, 0.3 + 0.9 * z)
                elif gene == "SOX2":
                    z = np.where(lusc, 1.5 + 0.7 * z, z * 0.9 - 0.2)
                z = np.round(z, 4) + 0.0
                vals = [f"{x:.4f}" for x in z.tolist()]
                for j in np.flatnonzero(rng.random(m) < 0.003).tolist():
                    if not (gene == "ERBB2" and high[j]):
                        vals[j] = "NA"
                f.write(f"{gene}\t{_GENE[gene].entrez}\t" + "\t".join(vals) + "\n")
        self.counts[EXPR_FILE] = len(_EXPR_GENES)

    # ---------------------------------------------------------------- panels, lists, meta
    def _write_panels(self) -> None:
        spec = self.spec
        for panel in spec.panels:
            with _open(self.folder / f"data_gene_panel_{panel.panel_id}.txt") as f:
                f.write(f"stable_id: {panel.panel_id}\n")
                f.write(f"description: {panel.description}\n")
                f.write("gene_list: " + "\t".join(panel.genes) + "\n")
        has_sv = spec.sv_frac > 0
        with _open(self.folder / MATRIX_FILE) as f:
            f.write(
                "SAMPLE_ID\tmutations\tcna" + ("\tstructural_variants" if has_sv else "") + "\n"
            )
            for s in range(self.ns):
                pid = spec.panels[int(self.s_panel[s])].panel_id
                cells = [
                    self.sample_ids[s],
                    pid if self.s_mut[s] else "NA",
                    pid if self.s_cna[s] else "NA",
                ]
                if has_sv:
                    cells.append(pid if self.s_sv[s] else "NA")
                f.write("\t".join(cells) + "\n")
        self.counts[MATRIX_FILE] = self.ns

    def _write_case_lists(self) -> None:
        spec = self.spec
        folder = self.folder / "case_lists"
        folder.mkdir()
        lists = [
            ("all", "All samples", "All samples", "all_cases_in_study", np.ones(self.ns, bool)),
            ("sequenced", "Samples with mutation data", "Samples sequenced for mutations",
             "all_cases_with_mutation_data", self.s_mut),
            ("cna", "Samples with CNA data", "Samples with discrete copy-number calls",
             "all_cases_with_cna_data", self.s_cna),
            ("cnaseq", "Samples with mutation and CNA data",
             "Samples with both mutation and copy-number data",
             "all_cases_with_mutation_and_cna_data", self.s_mut & self.s_cna),
        ]  # fmt: skip
        if spec.sv_frac > 0:
            lists.append(("sv", "Samples with structural variant data",
                          "Samples screened for structural variants (fusions)",
                          "all_cases_with_sv_data", self.s_sv))  # fmt: skip
        if spec.expr_frac > 0:
            lists.append(("rna_seq_v2_mrna", "Samples with mRNA data (RNA Seq V2)",
                          "Samples with mRNA expression (RNA Seq V2 RSEM) z-scores",
                          "all_cases_with_mrna_rnaseq_data", self.s_expr))  # fmt: skip
        for suffix, name, desc, category, mask in lists:
            ids = [self.sample_ids[i] for i in np.flatnonzero(mask).tolist()]
            with _open(folder / f"cases_{suffix}.txt") as f:
                f.write(f"cancer_study_identifier: {self.sid}\n")
                f.write(f"stable_id: {self.sid}_{suffix}\n")
                f.write(f"case_list_name: {name}\n")
                f.write(f"case_list_description: {desc} ({len(ids)} samples)\n")
                f.write(f"case_list_category: {category}\n")
                f.write("case_list_ids: " + "\t".join(ids) + "\n")

    def _write_meta(self) -> None:
        spec = self.spec
        sid = self.sid
        metas: dict[str, list[tuple[str, str]]] = {
            "meta_study.txt": [
                ("type_of_cancer", "nsclc"),
                ("cancer_study_identifier", sid),
                ("name", spec.name),
                ("description", spec.description),
                ("groups", "PUBLIC"),
                ("reference_genome", "hg19"),
            ],
            "meta_clinical_patient.txt": [
                ("cancer_study_identifier", sid),
                ("genetic_alteration_type", "CLINICAL"),
                ("datatype", "PATIENT_ATTRIBUTES"),
                ("data_filename", PATIENT_FILE),
            ],
            "meta_clinical_sample.txt": [
                ("cancer_study_identifier", sid),
                ("genetic_alteration_type", "CLINICAL"),
                ("datatype", "SAMPLE_ATTRIBUTES"),
                ("data_filename", SAMPLE_FILE),
            ],
            "meta_mutations.txt": [
                ("cancer_study_identifier", sid),
                ("genetic_alteration_type", "MUTATION_EXTENDED"),
                ("datatype", "MAF"),
                ("stable_id", "mutations"),
                ("show_profile_in_analysis_tab", "true"),
                ("profile_name", "Mutations"),
                ("profile_description", "Synthetic somatic mutations (GRCh37), incl. silent "
                 "and non-coding calls; genes outside a sample's panel are not reported."),
                ("data_filename", MUTATIONS_FILE),
            ],
            "meta_cna.txt": [
                ("cancer_study_identifier", sid),
                ("genetic_alteration_type", "COPY_NUMBER_ALTERATION"),
                ("datatype", "DISCRETE"),
                ("stable_id", "cna"),
                ("show_profile_in_analysis_tab", "true"),
                ("profile_name", "Putative copy-number alterations (synthetic)"),
                ("profile_description", "Synthetic discrete copy-number calls. Values: -2 = "
                 "homozygous deletion; -1 = hemizygous deletion; 0 = neutral; 1 = gain; "
                 "2 = high level amplification."),
                ("data_filename", CNA_FILE),
            ],
            "meta_gene_panel_matrix.txt": [
                ("cancer_study_identifier", sid),
                ("genetic_alteration_type", "GENE_PANEL_MATRIX"),
                ("datatype", "GENE_PANEL_MATRIX"),
                ("data_filename", MATRIX_FILE),
            ],
        }  # fmt: skip
        if spec.sv_frac > 0:
            metas["meta_sv.txt"] = [
                ("cancer_study_identifier", sid),
                ("genetic_alteration_type", "STRUCTURAL_VARIANT"),
                ("datatype", "SV"),
                ("stable_id", "structural_variants"),
                ("show_profile_in_analysis_tab", "true"),
                ("profile_name", "Structural variants"),
                ("profile_description", "Synthetic fusions (ALK, ROS1, RET) and deletions."),
                ("data_filename", SV_FILE),
            ]
        if spec.expr_frac > 0:
            metas["meta_mrna_seq_v2_rsem_zscores_ref_all_samples.txt"] = [
                ("cancer_study_identifier", sid),
                ("genetic_alteration_type", "MRNA_EXPRESSION"),
                ("datatype", "Z-SCORE"),
                ("stable_id", "rna_seq_v2_mrna_median_all_sample_Zscores"),
                ("show_profile_in_analysis_tab", "true"),
                ("profile_name", "mRNA expression z-scores relative to all samples "
                 "(log RNA Seq V2 RSEM)"),
                ("profile_description", "Synthetic mRNA z-scores compared to the expression "
                 "distribution of all samples."),
                ("data_filename", EXPR_FILE),
            ]  # fmt: skip
        for name, fields in metas.items():
            with _open(self.folder / name) as f:
                for key, value in fields:
                    f.write(f"{key}: {value}\n")


# --------------------------------------------------------------------------------------
# Row helpers
# --------------------------------------------------------------------------------------


def _write_clinical_header(f: TextIO, header: list[tuple[str, str, str, str]]) -> None:
    f.write("#" + "\t".join(h[1] for h in header) + "\n")
    f.write("#" + "\t".join(h[2] for h in header) + "\n")
    f.write("#" + "\t".join(h[3] for h in header) + "\n")
    f.write("#" + "\t".join("1" for _ in header) + "\n")
    f.write("\t".join(h[0] for h in header) + "\n")


def _synthetic_row(gene: str, vclass: str, u: list[float]) -> tuple:
    """A passenger-like variant in ``gene`` built from uniform draws ``u`` (8 values)."""
    g = _GENE[gene]
    pos = g.start + int(u[2] * (g.end - g.start - 3))
    ppos = 1 + int(u[5] * g.protein_length)
    a1 = int(u[3] * 20) % 20
    aa1 = _AA[a1]
    aa2 = _AA[(a1 + 1 + int(u[4] * 19)) % 20]
    b = int(u[5] * 1000) % 4
    ref = _BASES[b]
    alt = _BASES[(b + 1 + int(u[4] * 3)) % 4]
    end = pos
    if vclass == MIS:
        hgvsp = f"p.{aa1}{ppos}{aa2}"
    elif vclass == NON:
        hgvsp = f"p.{aa1}{ppos}*"
    elif vclass == SIL:
        hgvsp = f"p.{aa1}{ppos}{aa1}"
    elif vclass == SPL:
        hgvsp = f"p.X{ppos}_splice"
    elif vclass == FSD:
        hgvsp, alt = f"p.{aa1}{ppos}fs", "-"
    elif vclass == FSI:
        hgvsp, alt, ref, end = f"p.{aa1}{ppos}fs", ref, "-", pos + 1
    elif vclass == IFD:
        ref = _BASES[b] + _BASES[(b + 1) % 4] + _BASES[(b + 3) % 4]
        hgvsp, alt, end = f"p.{aa1}{ppos}del", "-", pos + 2
    else:  # non-coding classes
        hgvsp = ""
    return (gene, pos, end, vclass, ref, alt, hgvsp)


def _variant_row(gene: str, v: _Variant) -> tuple:
    return (gene, v.start, v.end, v.vclass, v.ref, v.alt, v.hgvsp)


def _maf_line(symbol: str, entrez: int, r: tuple, sample: str, ud: float, uv: float) -> str:
    gene, start, end, vclass, ref, alt, hgvsp = r
    depth = 40 + int(ud * 460)
    alt_count = max(3, int(round(depth * (0.04 + 0.7 * uv**1.7))))
    chrom = _GENE[gene].chrom
    return (
        f"{symbol}\t{entrez}\t{CENTER}\tGRCh37\t{chrom}\t{start}\t{end}\t+\t{vclass}\t"
        f"{_vtype(ref, alt)}\t{ref}\t{ref}\t{alt}\t{sample}\t{hgvsp}\t"
        f"{_protein_position(hgvsp)}\t{depth - alt_count}\t{alt_count}\n"
    )


def _sv_line(sample: str, s1: str, p1: int, s2: str, p2: int, info: str, cls: str) -> str:
    g1, g2 = _GENE[s1], _GENE[s2]
    return (
        f"{sample}\tSOMATIC\t{s1}\t{g1.entrez}\t{g1.chrom}\t{p1}\t{s2}\t{g2.entrez}\t"
        f"{g2.chrom}\t{p2}\t{info}\t{cls}\tGRCh37\n"
    )
