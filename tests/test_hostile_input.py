"""Hostile and broken input (issue 9): every case ends in a clear error or a quarantine, never
a bare traceback, never a half-written published warehouse, never a lost row.

Each case is a small cBioPortal study folder (patients, samples, a MAF, a case list) with one
thing wrong. All cases are loaded by ONE survey build (`on_fatal_problem: warn`, raw and staging
layers) and judged from what landed:

- ``clean``: loaded, nothing quarantined or refused;
- ``quarantine``: the bad row is in a ``*_rejected`` table with the expected reason, at its
  physical line;
- ``fatal``: a fatal load problem names the folder and file (a normal build stops with it);
- ``refused``: the file is never read (symlink out of the study folder, bytes that are not
  UTF-8, bare CR line endings, ...), and the build log says why.

For every case that loads, staged + rejected rows = the data rows in the files, counted here
independently. Then normal builds (no warn var) over the fatal and refused cases must fail
with those messages, without a Python traceback, and leave a published warehouse byte for
byte as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from test_publish import published_demo

from her2lung.publish import candidate_path
from her2lung.warehouse import run_dbt

SURVEY_SELECT = ["--select", "+path:models/staging", "--indirect-selection", "cautious"]
RAW_SELECT = ["--select", "path:models/raw"]
# A small line limit, so the "line too long" case needs a 2 MB line, not a 33 MB one.
MAX_LINE_BYTES = 1 << 20
ENTITY_FILES = {
    "patients": "data_clinical_patient.txt",
    "samples": "data_clinical_sample.txt",
    "mutations": "data_mutations.txt",
}

Files = dict[str, bytes | str | Path]  # relative path -> content, or a Path to symlink to

# ------------------------------------------------------------------------------ base study

CLINICAL_PATIENT = [
    "#Patient Identifier\tOverall Survival Status\tOverall Survival (Months)\tSmoking History",
    "#Identifier\tVital status\tMonths\tSmoking",
    "#STRING\tSTRING\tNUMBER\tSTRING",
    "#1\t1\t1\t1",
    "PATIENT_ID\tOS_STATUS\tOS_MONTHS\tSMOKING_HISTORY",
    "P1\t0:LIVING\t12.5\tNever",
    "P2\t1:DECEASED\t3.1\tFormer",
    "P3\t0:LIVING\t40\tCurrent",
    "P4\t1:DECEASED\t7.25\tNever",
]
CLINICAL_SAMPLE = [
    "#Patient Identifier\tSample Identifier\tCancer Type\tCancer Type Detailed\tOncotree Code",
    "#Identifier\tIdentifier\tType\tDetailed\tCode",
    "#STRING\tSTRING\tSTRING\tSTRING\tSTRING",
    "#1\t1\t1\t1\t1",
    "PATIENT_ID\tSAMPLE_ID\tCANCER_TYPE\tCANCER_TYPE_DETAILED\tONCOTREE_CODE",
    "P1\tS1\tNon-Small Cell Lung Cancer\tLung Adenocarcinoma\tLUAD",
    "P2\tS2\tNon-Small Cell Lung Cancer\tLung Adenocarcinoma\tLUAD",
    "P3\tS3\tNon-Small Cell Lung Cancer\tLung Squamous Cell Carcinoma\tLUSC",
    "P4\tS4\tNon-Small Cell Lung Cancer\tLung Adenocarcinoma\tLUAD",
]
MAF = [
    "Hugo_Symbol\tEntrez_Gene_Id\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short",
    "ERBB2\t2064\tS1\tIn_Frame_Ins\tp.Y772_A775dup",
    "KRAS\t3845\tS2\tMissense_Mutation\tp.G12C",
    "EGFR\t1956\tS3\tMissense_Mutation\tp.L858R",
    "TP53\t7157\tS4\tNonsense_Mutation\tp.R213*",
]


def lines(rows: list[str], ending: str = "\n") -> bytes:
    return "".join(r + ending for r in rows).encode()


def meta(study_id: str, kind: str, data_filename: str) -> str:
    types = {
        "patient": ("CLINICAL", "PATIENT_ATTRIBUTES", None),
        "sample": ("CLINICAL", "SAMPLE_ATTRIBUTES", None),
        "mutations": ("MUTATION_EXTENDED", "MAF", "mutations"),
    }
    alteration, datatype, stable_id = types[kind]
    text = f"cancer_study_identifier: {study_id}\ngenetic_alteration_type: {alteration}\n"
    text += f"datatype: {datatype}\n"
    if stable_id:
        text += f"stable_id: {stable_id}\nshow_profile_in_analysis_tab: true\n"
        text += "profile_name: Mutations\nprofile_description: hostile input test\n"
    return text + f"data_filename: {data_filename}\n"


def base_files(study_id: str) -> Files:
    return {
        "meta_study.txt": f"type_of_cancer: luad\ncancer_study_identifier: {study_id}\n"
        f"name: hostile input {study_id}\ndescription: one hostile thing\n",
        "meta_clinical_patient.txt": meta(study_id, "patient", "data_clinical_patient.txt"),
        "meta_clinical_sample.txt": meta(study_id, "sample", "data_clinical_sample.txt"),
        "meta_mutations.txt": meta(study_id, "mutations", "data_mutations.txt"),
        "data_clinical_patient.txt": lines(CLINICAL_PATIENT),
        "data_clinical_sample.txt": lines(CLINICAL_SAMPLE),
        "data_mutations.txt": lines(MAF),
        "case_lists/cases_sequenced.txt": f"cancer_study_identifier: {study_id}\n"
        f"stable_id: {study_id}_sequenced\ncase_list_name: Sequenced\n"
        "case_list_description: sequenced samples\ncase_list_ids: S1\tS2\tS3\tS4\n",
    }


def text_lines(data: bytes) -> list[str]:
    """Physical lines as Python reads them (universal newlines), for an independent count."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff").splitlines()


def count_data_rows(data: bytes) -> int:
    """Data rows of a cBioPortal TSV: after the leading '#' block and the header, non-blank."""
    rows = text_lines(data)
    i = 0
    while i < len(rows) and (not rows[i].strip(" \t") or rows[i].startswith("#")):
        i += 1
    return sum(1 for r in rows[i + 1 :] if r.strip(" \t"))


# ------------------------------------------------------------------------------ the cases


@dataclass(frozen=True)
class Case:
    name: str
    expect: str  # clean | quarantine | fatal | refused
    detail: str = ""  # reject reason / problem / log message fragment (regex)
    change: Callable[[Files], None] = lambda files: None
    folder_name: str | None = None  # study folder name, when the case is about it
    entity: str | None = None  # quarantine: where the rejected row goes
    line: int | None = None  # quarantine: the physical line of the bad row
    linked_folder: bool = False  # the study folder is a symlink to a folder elsewhere

    @property
    def folder(self) -> str:
        return self.folder_name or f"h_{self.name}"

    @property
    def study_id(self) -> str:
        return f"hostile_{self.name}"


def _set(name: str, data: bytes | str) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        files[name] = data

    return change


def _endings(ending: str) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        for name, data in list(files.items()):
            text = data.decode() if isinstance(data, bytes) else data
            files[name] = text.replace("\n", ending).encode()

    return change


def _mixed_endings(files: Files) -> None:
    for name, data in list(files.items()):
        text = data.decode() if isinstance(data, bytes) else data
        out = [ln + ("\r\n" if i % 2 else "\n") for i, ln in enumerate(text.splitlines())]
        files[name] = "".join(out).encode()


def _bom(files: Files) -> None:
    for name, data in list(files.items()):
        raw = data if isinstance(data, bytes) else data.encode()
        files[name] = b"\xef\xbb\xbf" + raw


def _sample_rows(extra: list[str], at_end: str = "\n") -> bytes:
    return ("\n".join(CLINICAL_SAMPLE + extra) + at_end).encode()


def _maf_rows(extra: list[str], at_end: str = "\n") -> bytes:
    return ("\n".join(MAF + extra) + at_end).encode()


SQL_ID = "S9'); drop table raw.raw_cbioportal__meta_lines; --"
OUTSIDE = "OUTSIDE"  # replaced by the test's folder outside the studies dir


def _link(name: str, target: str) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        files.pop(name, None)
        files[name] = Path(OUTSIDE) / target

    return change


def _missing_mutations(files: Files) -> None:
    del files["data_mutations.txt"]


CASES = [
    Case("crlf", "clean", change=_endings("\r\n")),
    Case("mixed_endings", "clean", change=_mixed_endings),
    Case("utf8_bom", "clean", change=_bom),
    Case(
        "quotes_in_fields",
        "clean",
        change=_set(
            "data_clinical_sample.txt",
            _sample_rows(['P1\tS5\tNon-Small Cell "Lung\tLung Adeno\'carcinoma "x\tLUAD']),
        ),
    ),
    Case(
        "hash_inside_value",
        "clean",
        change=_set("data_mutations.txt", _maf_rows(["KRAS\t3845\tS1\tMissense_Mutation\tp.G12#"])),
    ),
    Case(
        "hash_starts_data_line",
        "quarantine",
        r"SAMPLE_ID",
        change=_set("data_clinical_sample.txt", _sample_rows(["#P1\t#S7\tNSCLC\tLUAD\tLUAD"])),
        entity="samples",
        line=10,
    ),
    Case(
        "tab_inside_field",
        "quarantine",
        r"row has 6 fields, header has 5",
        change=_set(
            "data_clinical_sample.txt", _sample_rows(["P1\tS6\tNon-Small\tCell\tLUAD\tLUAD"])
        ),
        entity="samples",
        line=10,
    ),
    Case(
        "nul_byte",
        "quarantine",
        r"NUL byte",
        change=_set("data_clinical_sample.txt", _sample_rows(["P1\tS8\tNSCLC\tLU\x00AD\tLUAD"])),
        entity="samples",
        line=10,
    ),
    Case(
        "id_with_sql",
        "quarantine",
        r"SAMPLE_ID",
        change=_set("data_clinical_sample.txt", _sample_rows([f"P1\t{SQL_ID}\tNSCLC\tLUAD\tLUAD"])),
        entity="samples",
        line=10,
    ),
    Case(
        "maf_sample_with_quotes",
        "quarantine",
        r"not in the clinical sample file",
        change=_set(
            "data_mutations.txt", _maf_rows(["KRAS\t3845\tS1'\"x\tMissense_Mutation\tp.G12C"])
        ),
        entity="mutations",
        line=6,
    ),
    Case("folder_with_spaces", "clean", folder_name="h study with spaces"),
    Case("folder_with_dots", "clean", folder_name="h_study..v2"),
    Case("folder_with_quote", "clean", folder_name="h_o'brien study"),
    # allowed on purpose: how the e2e tests (and users) assemble a studies folder
    Case("symlinked_study_folder", "clean", linked_folder=True),
    Case(
        "data_filename_dotdot",
        "fatal",
        r"points outside the study folder; refused",
        change=_set(
            "meta_mutations.txt",
            meta("hostile_data_filename_dotdot", "mutations", "../h_crlf/data_mutations.txt"),
        ),
    ),
    Case(
        "data_filename_absolute",
        "fatal",
        r"points outside the study folder; refused",
        change=_set(
            "meta_mutations.txt", meta("hostile_data_filename_absolute", "mutations", "/etc/passwd")
        ),
    ),
    Case(
        "symlink_file_outside",
        "refused",
        r"data_mutations.txt' is a symbolic link to '.*', outside its study folder; refused",
        change=_link("data_mutations.txt", "secret_mutations.txt"),
    ),
    Case(
        "symlink_meta_outside",
        "refused",
        r"meta_mutations.txt' is a symbolic link to '.*', outside its study folder; refused",
        change=_link("meta_mutations.txt", "secret_meta.txt"),
    ),
    Case(
        "symlink_case_lists_outside",
        "refused",
        r"case_lists/cases_secret.txt' is a symbolic link to '.*', outside its study folder",
        change=_link("case_lists", "secret_case_lists"),
    ),
    Case(
        "huge_field",
        "clean",
        change=_set(
            "data_clinical_sample.txt",
            _sample_rows(["P1\tS5\tNSCLC\t" + "x" * (MAX_LINE_BYTES // 2) + "\tLUAD"]),
        ),
    ),
    Case(
        "line_longer_than_max_line_bytes",
        "refused",
        r"line 10 is longer than max_line_bytes",
        change=_set(
            "data_clinical_sample.txt",
            _sample_rows(["P1\tS5\tNSCLC\t" + "x" * (2 * MAX_LINE_BYTES) + "\tLUAD"]),
        ),
    ),
    Case(
        "empty_file",
        "fatal",
        r"file has no header line",
        change=_set("data_mutations.txt", b""),
    ),
    Case("header_only", "clean", change=_set("data_mutations.txt", lines(MAF[:1]))),
    Case(
        "truncated_last_line",
        "quarantine",
        r"row has 3 fields, header has 5",
        change=_set("data_mutations.txt", _maf_rows(["BRAF\t673\tS2"], at_end="")),
        entity="mutations",
        line=6,
    ),
    Case(
        "trailing_blank_lines",
        "clean",
        change=_set("data_clinical_sample.txt", _sample_rows([], at_end="\n" * 5000)),
    ),
    Case(
        "blank_lines_inside",  # the bad row must keep its physical line number
        "quarantine",
        r"row has 4 fields, header has 5",
        change=_set(
            "data_clinical_sample.txt",
            (
                "\n".join(CLINICAL_SAMPLE[:6] + ["", "  ", "\t", ""] + CLINICAL_SAMPLE[6:])
                + "\n\n\nP1\tS9\tNSCLC\tLUAD\n"
            ).encode(),
        ),  # fmt: skip
        entity="samples",
        line=16,
    ),
    Case(
        "duplicate_column_names",
        "fatal",
        r"column name appears 2 times in the header",
        change=_set(
            "data_mutations.txt",
            _maf_rows([]).replace(b"HGVSp_Short\n", b"Hugo_Symbol\n", 1),
        ),
    ),
    Case(
        "missing_data_file",
        "fatal",
        r"named in this meta file does not exist",
        change=_missing_mutations,
    ),
    Case(
        "gzip_named_gz",
        "clean",
        change=lambda files: (
            files.update(
                {
                    "data_mutations.txt.gz": gzip.compress(lines(MAF)),
                    "meta_mutations.txt": meta(
                        "hostile_gzip_named_gz", "mutations", "data_mutations.txt.gz"
                    ),
                }
            ),
            files.pop("data_mutations.txt"),
        ),
    ),
    Case(
        "gzip_named_txt",
        "clean",
        change=lambda files: files.update({"data_mutations.txt": gzip.compress(lines(MAF))}),
    ),
    Case(
        "zip_compressed",
        "refused",
        r"zip-compressed; only gzip",
        change=_set("data_mutations.txt", b"PK\x03\x04" + b"\x00" * 40),
    ),
    Case(
        "not_utf8",
        "refused",
        r"line 8 is not valid UTF-8 \(byte E9\)",
        change=_set(
            "data_clinical_sample.txt",
            lines(CLINICAL_SAMPLE).replace(b"P3\tS3\tNon-Small", b"P3\tS3\tNon-Sm\xe9ll"),
        ),
    ),
    Case(
        "bare_cr_line_endings",
        "refused",
        r"line 1 ends with a bare CR",
        change=_endings("\r"),
    ),
]


def write_case(case: Case, studies: Path, outside: Path) -> None:
    files = base_files(case.study_id)
    case.change(files)
    folder = studies / case.folder
    if case.linked_folder:
        real = outside / "linked_studies" / case.folder
        real.mkdir(parents=True)
        folder.symlink_to(real, target_is_directory=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            target = outside / data.relative_to(OUTSIDE)
            if name == "case_lists":
                target.mkdir(parents=True, exist_ok=True)
                (target / "cases_secret.txt").write_text(
                    f"cancer_study_identifier: {case.study_id}\nstable_id: x\ncase_list_ids: SECRET\n"
                )
                shutil.rmtree(path, ignore_errors=True)
                path.symlink_to(target, target_is_directory=True)
            else:
                target.write_text("SECRET\tDATA\nnot to be read\tever\n")
                path.symlink_to(target)
        else:
            path.write_bytes(data if isinstance(data, bytes) else data.encode())


def expected_rows(case: Case, studies: Path) -> dict[str, int]:
    """Data rows per entity in the case's files, counted from the bytes written."""
    folder = studies / case.folder
    out = {}
    for entity, name in ENTITY_FILES.items():
        path = folder / name
        if not path.exists() and entity == "mutations":
            path = folder / (name + ".gz")
        out[entity] = count_data_rows(path.read_bytes()) if path.exists() else 0
    return out


# ------------------------------------------------------------------------------ the survey


@dataclass
class Survey:
    studies: Path
    outside: Path
    stdout: str
    fatal: list[tuple[str, str, str]]  # study_folder, source_file, problem
    rejected: dict[str, list[tuple[str, int, str]]]  # entity -> (source_file, line, reason)
    staged: dict[str, dict[str, int]]  # entity -> source_file -> rows
    raw_files: set[str]  # source files with at least one raw line
    study_ids: set[str]


@pytest.fixture(scope="module")
def survey(tmp_path_factory) -> Survey:
    root = tmp_path_factory.mktemp("hostile")
    studies, outside = root / "studies", root / "outside"
    studies.mkdir()
    outside.mkdir()
    for case in CASES:
        write_case(case, studies, outside)
    db = root / "her2lung.duckdb"
    result = run_dbt(
        ["build", *SURVEY_SELECT],
        studies_dir=studies,
        db_path=db,
        dbt_vars={"on_fatal_problem": "warn", "max_line_bytes": MAX_LINE_BYTES},
        target_path=root / "target",
    )
    assert "Traceback (most recent call last)" not in result.stdout + result.stderr
    # the candidate holds what was built, published or not
    con = duckdb.connect(str(candidate_path(db)), read_only=True)
    try:
        fatal = con.execute(
            "select study_folder, source_file, problem from raw.raw_cbioportal__load_problems "
            "where severity = 'fatal'"
        ).fetchall()
        rejected, staged = {}, {}
        for entity in ENTITY_FILES:
            rejected[entity] = con.execute(
                f"select source_file, source_line, reject_reason "
                f"from staging.stg_cbioportal__{entity}_rejected"
            ).fetchall()
            staged[entity] = dict(
                con.execute(
                    f"select source_file, count(*) from staging.stg_cbioportal__{entity} group by 1"
                ).fetchall()
            )
        raw_files = set()
        for kind in ("clinical_patient", "clinical_sample", "mutations"):
            raw_files |= {
                r[0]
                for r in con.execute(
                    f"select distinct source_file from raw.raw_cbioportal__{kind}_lines"
                ).fetchall()
            }
        raw_files |= {
            r[0]
            for r in con.execute(
                "select distinct source_file from raw.raw_cbioportal__meta_lines "
                "union select distinct source_file from raw.raw_cbioportal__case_list_lines"
            ).fetchall()
        }
        study_ids = {
            r[0]
            for r in con.execute("select study_id from staging.stg_cbioportal__samples").fetchall()
        }
    finally:
        con.close()
    return Survey(studies, outside, result.stdout, fatal, rejected, staged, raw_files, study_ids)


def _of(case: Case, source_file: str) -> bool:
    return source_file.startswith(case.folder + "/")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(survey: Survey, case: Case) -> None:
    fatal = [p for p in survey.fatal if p[0] == case.folder]
    rejected = {
        entity: [r for r in rows if _of(case, r[0])] for entity, rows in survey.rejected.items()
    }
    n_rejected = sum(len(v) for v in rejected.values())
    log = " ".join(survey.stdout.split())
    if case.expect == "fatal":
        assert fatal, f"{case.name}: no fatal load problem"
        assert any(re.search(case.detail, p[2]) for p in fatal), fatal
        return
    if case.expect == "refused":
        assert re.search(case.detail, log), f"{case.name}: no refusal in the log"
        assert "her2lung: WARNING" in log
        # nothing from outside the studies folder ever landed
        assert not any("SECRET" in str(v) for v in survey.rejected.values())
        secret_files = {f for f in survey.raw_files if "secret" in f}
        assert not secret_files, secret_files
        return
    assert not fatal, fatal
    expected = expected_rows(case, survey.studies)
    for entity in ENTITY_FILES:
        n_staged = sum(n for f, n in survey.staged[entity].items() if _of(case, f))
        assert n_staged + len(rejected[entity]) == expected[entity], (
            f"{case.name}/{entity}: staged {n_staged} + rejected {len(rejected[entity])} "
            f"!= {expected[entity]} data rows in the file (a row was lost)"
        )
    if case.expect == "clean":
        assert n_rejected == 0, rejected
        assert case.study_id in survey.study_ids
    else:
        [(source_file, line, reason)] = rejected[case.entity]
        assert re.search(case.detail, reason), reason
        assert line == case.line, (
            f"{case.name}: quarantined at line {line}, file has it at {case.line}"
        )


def outcome(survey: Survey, case: Case) -> str:
    """One line saying what happened to a case (for the closing note: -s prints them)."""
    fatal = [p[2] for p in survey.fatal if p[0] == case.folder]
    refusals = re.findall(
        r"her2lung: WARNING: (?:study folder '[^']*', file )?'"
        + re.escape(case.folder)
        + r"[^\n]*",
        survey.stdout,
    )
    if refusals:  # in warn mode the load problems then record the file as absent / headerless
        return "refused: " + refusals[0].split("WARNING: ", 1)[1]
    if fatal:
        return "fatal: " + "; ".join(sorted(set(fatal)))
    rejected = [r for rows in survey.rejected.values() for r in rows if _of(case, r[0])]
    if rejected:
        return f"quarantined: line {rejected[0][1]}: {rejected[0][2][:90]}"
    return "loaded clean"


def test_print_outcomes(survey: Survey) -> None:
    for case in CASES:
        print(f"{case.name:34s} {outcome(survey, case)[:160]}")


def test_sql_in_an_id_is_data_not_sql(survey: Survey) -> None:
    """The id with a SQL fragment was quarantined verbatim and nothing was dropped."""
    reasons = [r for r in survey.rejected["samples"] if r[0].startswith("h_id_with_sql/")]
    assert reasons and SQL_ID in reasons[0][2]
    assert survey.raw_files  # raw.raw_cbioportal__meta_lines still there and read


# ------------------------------------------------------------------------------ normal builds


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def strict_build(cases: list[Case], survey: Survey, work: Path, demo_root) -> tuple[str, bool]:
    """A normal build (no warn var) of some cases over a copy of a published demo warehouse:
    (output, published file unchanged)."""
    studies = work / "studies"
    studies.mkdir(parents=True)
    for case in cases:
        write_case(case, studies, survey.outside)
    db = work / "warehouse" / demo_root.db.name
    db.parent.mkdir()
    shutil.copyfile(demo_root.db, db)
    before = sha256(db)
    result = run_dbt(
        ["build", *RAW_SELECT],
        studies_dir=studies,
        db_path=db,
        dbt_vars={"max_line_bytes": MAX_LINE_BYTES},
        target_path=work / "target",
    )
    output = result.stdout + result.stderr
    assert not result.ok, output[-3000:]
    assert "Traceback (most recent call last)" not in output
    assert "NOT PUBLISHED" in output and "was left untouched" in output
    return " ".join(output.split()), sha256(db) == before


STRICT_GROUPS = {
    # load problems: one build lists them all
    "fatal": [c for c in CASES if c.expect == "fatal"],
    # refused by the file inspection, before DuckDB's reader sees them
    "refused-reading": [c for c in CASES if c.expect == "refused" and "symlink" not in c.name],
    # refused while listing the folder; each stops the build at a different model, so alone
    **{c.name: [c] for c in CASES if c.expect == "refused" and "symlink" in c.name},
}


@pytest.mark.parametrize("group", list(STRICT_GROUPS))
def test_normal_build_stops_with_a_message_and_publishes_nothing(
    survey: Survey, group: str, tmp_path, tmp_path_factory
) -> None:
    cases = STRICT_GROUPS[group]
    output, unchanged = strict_build(cases, survey, tmp_path, published_demo(tmp_path_factory))
    assert unchanged, "the published warehouse changed"
    assert "her2lung: cannot load the studies in" in output
    for case in cases:
        assert re.search(case.detail, output), f"{case.name}: {case.detail!r} not in the output"
        assert case.folder in output
