"""End to end on real study folders: cBioPortal's study_es_0 and the TCGA LUAD reference study.

Each study is built alone (`dbt build` of the raw and staging layers; for LUAD also up to
fct_alterations) once per module. Every staged count is checked
against a count made here, independently of the warehouse, by reading the files with plain
Python: the meta files name the data files, a data file's leading '#' lines are skipped, its
first other non-blank line is the header, every later non-blank line is a row, fields are split
on tabs. Nothing may be lost: staged + quarantined (+ cells deliberately not stored: diploid and
NA calls) = what the files hold.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from helpers_studies import built_warehouse
from shared_builds import full_build_of

from her2lung.warehouse import DbtResult, run_dbt

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ES0_DIR = SHARED_DATA / "cbioportal-study-es-0"
LUAD_DIR = SHARED_DATA / "tcga-luad"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (ES0_DIR.is_dir() and LUAD_DIR.is_dir()),
        reason=f"real study folders not found under {SHARED_DATA}",
    ),
]

# (genetic_alteration_type, datatype) -> what we count; from cBioPortal's File Formats page.
FILE_KINDS = {
    ("CLINICAL", "PATIENT_ATTRIBUTES"): "patients",
    ("CLINICAL", "SAMPLE_ATTRIBUTES"): "samples",
    ("MUTATION_EXTENDED", "MAF"): "mutations",
    ("COPY_NUMBER_ALTERATION", "DISCRETE"): "cna_wide",
    ("COPY_NUMBER_ALTERATION", "DISCRETE_LONG"): "cna_long",
    ("STRUCTURAL_VARIANT", "SV"): "structural_variants",
    ("MRNA_EXPRESSION", "Z-SCORE"): "mrna",
    ("PROTEIN_LEVEL", "LOG2-VALUE"): "protein",
    ("PROTEIN_LEVEL", "Z-SCORE"): "protein",
    ("PROTEIN_LEVEL", "CONTINUOUS"): "protein",
    ("GENE_PANEL_MATRIX", "GENE_PANEL_MATRIX"): "gene_panel_matrix",
}
ENTITIES = (
    "patients",
    "samples",
    "mutations",
    "copy_number_alterations",
    "structural_variants",
    "gene_panels",
    "gene_panel_genes",
    "case_lists",
    "mrna_expression",
    "protein_levels",
)
# line-grain entities and their raw table
LINE_RAW = {
    "patients": "clinical_patient",
    "samples": "clinical_sample",
    "mutations": "mutations",
    "structural_variants": "structural_variants",
}
MISSING = ("", "NA")


# --------------------------------------------------------------------------- independent reading


def text_lines(path: Path) -> list[str]:
    """Lines of a text file: LF or CRLF endings, a UTF-8 BOM dropped, no trailing empty line."""
    text = path.read_bytes().decode("utf-8")
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def is_blank(line: str) -> bool:
    return line.strip(" \t") == ""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based line number, fields)

    def col(self, name: str) -> int:
        return [h.strip().lower() for h in self.header].index(name.lower())

    def values(self, name: str) -> list[str]:
        i = self.col(name)
        return [f[i].strip() for _, f in self.rows]


def read_table(path: Path) -> Table:
    lines = text_lines(path)
    header_at = next(i for i, ln in enumerate(lines) if not is_blank(ln) and ln[0] != "#")
    rows = [
        (i + 1, ln.split("\t")) for i, ln in enumerate(lines) if i > header_at and not is_blank(ln)
    ]
    return Table(lines[header_at].split("\t"), rows)


def read_meta(path: Path) -> dict[str, str]:
    meta = {}
    for line in text_lines(path):
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return meta


def is_call(value: str) -> bool:
    return value not in MISSING and float(value) != 0


@dataclass
class StudyCounts:
    """What the files of one study hold, per staged entity."""

    staged: Counter = field(default_factory=Counter)  # rows the warehouse must stage
    raw: Counter = field(default_factory=Counter)  # lines or cells in the files
    not_stored: Counter = field(default_factory=Counter)  # diploid / NA cells
    case_lists: dict[str, int] = field(default_factory=dict)  # file name -> ids
    files: dict[str, list[Path]] = field(default_factory=dict)  # kind -> data files


def count_study(folder: Path) -> StudyCounts:
    counts = StudyCounts()
    declared = set()
    for meta_path in sorted(folder.glob("meta_*.txt")):
        meta = read_meta(meta_path)
        key = (meta.get("genetic_alteration_type", ""), meta.get("datatype", ""))
        kind = FILE_KINDS.get((key[0].upper(), key[1].upper()))
        if kind is None:
            continue
        path = folder / meta["data_filename"]
        declared.add(path.name)
        counts.files.setdefault(kind, []).append(path)
        table = read_table(path)
        n_rows = len(table.rows)
        if kind in ("patients", "samples", "mutations", "structural_variants"):
            counts.staged[kind] += n_rows
            counts.raw[kind] += n_rows
        elif kind == "cna_long":
            values = table.values("Value")
            calls = sum(is_call(v) for v in values)
            counts.staged["copy_number_alterations"] += calls
            counts.raw["copy_number_alterations"] += n_rows
            counts.not_stored["copy_number_alterations"] += n_rows - calls
        elif kind in ("cna_wide", "mrna", "protein"):
            ids = {
                "cna_wide": {"hugo_symbol", "entrez_gene_id", "cytoband"},
                "mrna": {"hugo_symbol", "entrez_gene_id"},
                "protein": {"composite.element.ref"},
            }[kind]
            entity = {
                "cna_wide": "copy_number_alterations",
                "mrna": "mrna_expression",
                "protein": "protein_levels",
            }[kind]
            value_cols = [i for i, h in enumerate(table.header) if h.strip().lower() not in ids]
            for _, fields in table.rows:
                assert len(fields) == len(table.header), f"{path.name}: ragged row"
                cells = [fields[i].strip() for i in value_cols]
                stored = (
                    sum(is_call(v) for v in cells)
                    if kind == "cna_wide"
                    else sum(v not in MISSING for v in cells)
                )
                counts.staged[entity] += stored
                counts.raw[entity] += len(cells)
                counts.not_stored[entity] += len(cells) - stored
        elif kind == "gene_panel_matrix":
            cells = n_rows * (len(table.header) - 1)
            counts.staged["gene_panels"] += cells
            counts.raw["gene_panels"] += cells
    # gene panel definitions: data_gene_panel_*.txt files that no meta file names
    for path in sorted(folder.glob("data_gene_panel_*.txt")):
        if path.name in declared:
            continue
        for line in text_lines(path):
            key, _, value = line.partition(":")
            if key.strip() == "gene_list":
                n = len(value.strip().split("\t"))
                counts.staged["gene_panel_genes"] += n
                counts.raw["gene_panel_genes"] += n
    for path in sorted((folder / "case_lists").glob("*.txt")):
        ids = read_meta(path)["case_list_ids"].split("\t")
        counts.case_lists[path.name] = len(ids)
        counts.staged["case_lists"] += len(ids)
        counts.raw["case_lists"] += len(ids)
    return counts


# --------------------------------------------------------------------------- builds


@dataclass
class BuiltStudy:
    folder: Path
    result: DbtResult
    db_path: Path
    counts: StudyCounts

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.db_path), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]


def build_alone(study: Path, work: Path, select: list[str]) -> BuiltStudy:
    studies = work / "studies"
    studies.mkdir()
    (studies / study.name).symlink_to(study, target_is_directory=True)
    result = run_dbt(
        ["build", "--select", *select, "--indirect-selection", "cautious"],
        studies_dir=studies,
        db_path=work / "her2lung.duckdb",
        target_path=work / "target",
    )
    db_path = built_warehouse(work / "her2lung.duckdb")
    return BuiltStudy(study, result, db_path, count_study(study))


def checked(built: BuiltStudy) -> BuiltStudy:
    if not built.db_path.exists():
        pytest.fail(
            f"dbt build of {built.folder.name} produced no warehouse:\n"
            f"{built.result.stdout[-3000:]}"
        )
    return built


# es0 is built through the raw and staging layers (with the seeds they read); these tests are
# about landing every row, the marts' own figures are tested elsewhere. LUAD is the whole
# `dbt build` that test_marts_tcga.py reads too (built once per session: shared_builds.py),
# which follows ERBB2IP downstream into the alteration facts.
STAGING = ["+path:models/staging"]


@pytest.fixture(scope="module")
def real_builds(tmp_path_factory) -> dict[str, BuiltStudy]:
    """Both studies, each built alone; the two builds run side by side to save wall time."""
    work = tmp_path_factory.mktemp("es0")
    with ThreadPoolExecutor(max_workers=2) as pool:
        es0 = pool.submit(build_alone, ES0_DIR, work, STAGING)
        luad = pool.submit(full_build_of, LUAD_DIR, "tcga_luad", tmp_path_factory)
        luad_db, luad_result = luad.result()
        return {
            "es0": es0.result(),
            "luad": BuiltStudy(LUAD_DIR, luad_result, luad_db, count_study(LUAD_DIR)),
        }


@pytest.fixture(scope="module")
def es0(real_builds) -> BuiltStudy:
    return checked(real_builds["es0"])


@pytest.fixture(scope="module")
def luad(real_builds) -> BuiltStudy:
    return checked(real_builds["luad"])


def staged_and_rejected(built: BuiltStudy) -> dict[str, tuple[int, int]]:
    out = {}
    for entity in ENTITIES:
        n = built.scalar(f"select count(*) from staging.stg_cbioportal__{entity}")
        r = built.scalar(f"select count(*) from staging.stg_cbioportal__{entity}_rejected")
        out[entity] = (n, r)
    return out


def assert_no_row_lost(built: BuiltStudy) -> None:
    """staged + rejected (+ not stored) = what the files hold; the raw layer holds every line."""
    counts = built.counts
    got = staged_and_rejected(built)
    for entity, (n_staged, n_rejected) in got.items():
        assert n_staged + n_rejected + counts.not_stored[entity] == counts.raw[entity], (
            f"{entity}: staged {n_staged} + rejected {n_rejected} + not stored "
            f"{counts.not_stored[entity]} != {counts.raw[entity]} in the files"
        )
    for entity, kind in LINE_RAW.items():
        n_raw = built.scalar(
            f"select count(*) from raw.raw_cbioportal__{kind}_lines where line_kind = 'data'"
        )
        n_staged, n_rejected = got[entity]
        assert n_raw == counts.raw[entity], f"raw {kind}: {n_raw} lines, files hold {counts.raw}"
        assert n_staged + n_rejected == n_raw, f"{entity}: staged + rejected != raw lines"


# --------------------------------------------------------------------------- study_es_0


def test_es0_builds_cleanly(es0: BuiltStudy) -> None:
    assert es0.result.ok, f"dbt build failed: {es0.result.failures() or es0.result.stdout[-3000:]}"
    fatal = es0.query("select * from raw.raw_cbioportal__load_problems where severity = 'fatal'")
    assert fatal == []


def test_es0_reads_every_file_type_it_has(es0: BuiltStudy) -> None:
    kinds = set(es0.counts.files)
    assert {"patients", "samples", "mutations", "cna_long"} <= kinds
    assert {"structural_variants", "mrna", "gene_panel_matrix"} <= kinds
    # the independent reading found something of every entity except protein levels (no RPPA)
    assert all(es0.counts.staged[e] > 0 for e in ENTITIES if e != "protein_levels")
    assert es0.counts.staged["patients"] == 841 and es0.counts.staged["samples"] == 845
    assert es0.counts.staged["mutations"] == 36


@pytest.mark.parametrize("entity", ENTITIES)
def test_es0_staged_counts_match_the_files(es0: BuiltStudy, entity: str) -> None:
    n_staged, n_rejected = staged_and_rejected(es0)[entity]
    # cBioPortal's validator accepts study_es_0 without warnings: nothing may be quarantined
    assert n_rejected == 0, es0.query(
        f"select reject_reason, source_file, source_line "
        f"from staging.stg_cbioportal__{entity}_rejected limit 5"
    )
    assert n_staged == es0.counts.staged[entity]


def test_es0_no_row_lost(es0: BuiltStudy) -> None:
    assert_no_row_lost(es0)


def test_es0_case_lists(es0: BuiltStudy) -> None:
    got = dict(
        es0.query(
            "select split_part(source_file, '/', -1), count(*) "
            "from staging.stg_cbioportal__case_lists group by all"
        )
    )
    assert got == es0.counts.case_lists


def test_es0_provenance_points_into_the_study(es0: BuiltStudy) -> None:
    for entity in ENTITIES:
        bad = es0.scalar(
            f"select count(*) from staging.stg_cbioportal__{entity} "
            f"where source_file not like '{ES0_DIR.name}/%' or source_line is null"
        )
        assert bad == 0, entity


# --------------------------------------------------------------------------- TCGA LUAD


def test_luad_builds_cleanly(luad: BuiltStudy) -> None:
    assert luad.result.ok, (
        f"dbt build failed: {luad.result.failures() or luad.result.stdout[-3000:]}"
    )
    fatal = luad.query("select * from raw.raw_cbioportal__load_problems where severity = 'fatal'")
    assert fatal == []


def test_luad_clinical(luad: BuiltStudy) -> None:
    got = staged_and_rejected(luad)
    assert got["patients"] == (571, 0)
    assert got["samples"] == (571, 0)
    assert luad.counts.staged["patients"] == 571 and luad.counts.staged["samples"] == 571


def test_luad_mutations_all_staged(luad: BuiltStudy) -> None:
    assert luad.counts.staged["mutations"] == 187_450
    assert staged_and_rejected(luad)["mutations"] == (187_450, 0)


def test_luad_cna_calls_match_the_matrix(luad: BuiltStudy) -> None:
    n_staged, n_rejected = staged_and_rejected(luad)["copy_number_alterations"]
    assert n_rejected == 0
    assert n_staged == luad.counts.staged["copy_number_alterations"] > 0
    # per value, against the matrix read here
    table = read_table(luad.folder / "data_CNA.txt")
    expected = Counter(
        float(v.strip())
        for _, f in table.rows
        for v in f[1:]
        if v.strip() not in MISSING and float(v) != 0
    )
    got = Counter(
        dict(
            luad.query(
                "select cna_value, count(*) from staging.stg_cbioportal__copy_number_alterations "
                "group by all"
            )
        )
    )
    assert got == expected


def test_luad_structural_variants(luad: BuiltStudy) -> None:
    assert luad.counts.staged["structural_variants"] == 13
    assert staged_and_rejected(luad)["structural_variants"] == (13, 0)


def test_luad_rppa_non_missing_cells(luad: BuiltStudy) -> None:
    n_staged, n_rejected = staged_and_rejected(luad)["protein_levels"]
    assert n_rejected == 0
    assert n_staged == luad.counts.staged["protein_levels"] > 0
    n_samples = luad.scalar(
        "select count(distinct sample_id) from staging.stg_cbioportal__protein_levels"
    )
    assert n_samples == 363


def test_luad_case_lists(luad: BuiltStudy) -> None:
    expected = {
        "cases_all.txt": 571,
        "cases_sequenced.txt": 533,
        "cases_cna.txt": 516,
        "cases_cnaseq.txt": 478,
        "cases_sv.txt": 504,
        "cases_rppa.txt": 363,
    }
    assert luad.counts.case_lists == expected
    got = dict(
        luad.query(
            "select split_part(source_file, '/', -1), count(*) "
            "from staging.stg_cbioportal__case_lists group by all"
        )
    )
    assert got == expected
    assert luad.scalar("select count(*) from staging.stg_cbioportal__case_lists_rejected") == 0


def test_luad_no_row_lost(luad: BuiltStudy) -> None:
    assert_no_row_lost(luad)


def test_luad_erbb2ip_stays_erbb2ip(luad: BuiltStudy) -> None:
    table = read_table(luad.folder / "data_mutations.txt")
    hugo = table.col("Hugo_Symbol")
    erbb2ip_lines = sorted(line for line, f in table.rows if f[hugo].strip() == "ERBB2IP")
    erbb2_lines = sorted(line for line, f in table.rows if f[hugo].strip() == "ERBB2")
    assert len(erbb2ip_lines) == 12
    staged = luad.query(
        "select source_line, hugo_symbol from staging.stg_cbioportal__mutations "
        "where source_line in (select unnest(?)) order by 1",
        [erbb2ip_lines],
    )
    assert staged == [(line, "ERBB2IP") for line in erbb2ip_lines]
    got_erbb2 = [
        r[0]
        for r in luad.query(
            "select source_line from staging.stg_cbioportal__mutations "
            "where hugo_symbol = 'ERBB2' order by 1"
        )
    ]
    assert got_erbb2 == erbb2_lines


def test_luad_erbb2ip_is_not_an_erbb2_alteration_downstream(luad: BuiltStudy) -> None:
    has_mart = luad.scalar(
        "select count(*) from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'fct_alterations' and column_name in ('gene', 'source_line')"
    )
    if has_mart < 2:
        pytest.skip("marts.fct_alterations (gene, source_line) not built")
    table = read_table(luad.folder / "data_mutations.txt")
    hugo = table.col("Hugo_Symbol")
    erbb2ip_lines = [line for line, f in table.rows if f[hugo].strip() == "ERBB2IP"]
    as_erbb2 = luad.scalar(
        "select count(*) from marts.fct_alterations where gene = 'ERBB2' "
        "and source_file like '%data_mutations.txt' and source_line in (select unnest(?))",
        [erbb2ip_lines],
    )
    assert as_erbb2 == 0


def test_luad_missing_os_months_stay_null(luad: BuiltStudy) -> None:
    table = read_table(luad.folder / "data_clinical_patient.txt")
    rows = list(
        zip(
            table.values("PATIENT_ID"),
            table.values("OS_STATUS"),
            table.values("OS_MONTHS"),
            strict=True,
        )
    )
    no_time = {p for p, _, m in rows if m in MISSING}
    # the 9 TCGA patients with an OS status but no OS time (the other 52 have no clinical data)
    the_nine = {p for p, s, m in rows if m in MISSING and s not in MISSING}
    deceased = {p for p, s, m in rows if m in MISSING and s == "1:DECEASED"}
    assert len(the_nine) == 9 and len(deceased) == 4 and len(no_time) == 9 + 52
    null_months = {
        r[0]
        for r in luad.query(
            "select patient_id from staging.stg_cbioportal__patients where os_months is null"
        )
    }
    assert null_months == no_time
    rejected = luad.query(
        "select count(*) from staging.stg_cbioportal__patients_rejected "
        "where split_part(raw_line, chr(9), 1) in (select unnest(?))",
        [sorted(no_time)],
    )
    assert rejected == [(0,)]
    # their status is kept: a death without a time stays a death (not censored), time unknown
    events = dict(
        luad.query(
            "select patient_id, os_event from staging.stg_cbioportal__patients "
            "where patient_id in (select unnest(?))",
            [sorted(the_nine)],
        )
    )
    assert set(events) == the_nine
    assert {p for p, e in events.items() if e} == deceased
    assert {p for p, e in events.items() if e is False} == the_nine - deceased
