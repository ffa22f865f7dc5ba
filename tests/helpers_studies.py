"""Build synthetic cBioPortal study folders and survey the cBioPortal validator suite.

Shared by the end-to-end tests. The validator suite (``shared/data/cbioportal-validator-suite``)
holds whole study folders and loose single-file cases. A loose file cannot be loaded on its own:
her2lung needs a study folder with ``meta_study.txt``, a clinical sample file and a meta file
naming the data file. :func:`materialize_suite` wraps every case in such a folder, one folder per
case, so that all cases are loaded by a single dbt build with ``on_fatal_problem: warn`` and each
problem or quarantined row can be traced back to its case through ``study_folder`` /
``source_file``.

Regenerate ``docs/validator_suite.md`` with the measured outcome::

    .venv/bin/python -m tests.helpers_studies
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SUITE_DIR = SHARED_DATA / "cbioportal-validator-suite"
DOC_PATH = REPO / "docs" / "validator_suite.md"

# Context the upstream unit tests validate single files against (SOURCE.md, "Context matters").
CONTEXT_SAMPLE_IDS = (
    "TCGA-A1-A0SB-01",
    "TCGA-A1-A0SD-01",
    "TCGA-A1-A0SE-01",
    "TCGA-A1-A0SH-01",
    "TCGA-A2-A04U-01",
    "TCGA-B6-A0RS-01",
    "TCGA-BH-A0HP-01",
    "TCGA-BH-A18P-01",
    "TCGA-BH-A18H-01",
    "TCGA-C8-A138-01",
    "TCGA-A2-A0EY-01",
    "TCGA-A8-A08G-01",
    "TCGA-A2-A04P-01",
)
CONTEXT_PATIENTS_WITH_SAMPLES = tuple(f"TEST-PAT{i}" for i in range(1, 10) if i != 8)

# The single-file categories of file types her2lung reads (EXPECTED.tsv `category`).
READ_CATEGORIES = (
    "clinical",
    "mutations",
    "cna_discrete",
    "cna_discrete_long",
    "structural_variants",
    "gene_panel_matrix",
    "case_lists",
    "rppa",
)

# genetic_alteration_type, datatype, stable_id of the meta file written for each category.
_PROFILE_META = {
    "mutations": ("MUTATION_EXTENDED", "MAF", "mutations"),
    "cna_discrete": ("COPY_NUMBER_ALTERATION", "DISCRETE", "gistic"),
    "cna_discrete_long": ("COPY_NUMBER_ALTERATION", "DISCRETE_LONG", "gistic"),
    "structural_variants": ("STRUCTURAL_VARIANT", "SV", "structural_variants"),
    "gene_panel_matrix": ("GENE_PANEL_MATRIX", "GENE_PANEL_MATRIX", None),
    "rppa": ("PROTEIN_LEVEL", "Z-SCORE", "rppa_Zscores"),
}

# Meta-file fields the upstream unit tests set for some cases (EXPECTED.tsv main_problem
# "context: meta namespaces ..."). her2lung does not read them; they are written for fidelity.
_EXTRA_META = {
    "single_files/cna_discrete_long/data_cna_long_genecol_no_namespace.txt": {"namespaces": "Test"},
    "single_files/structural_variants/data_structural_variants_missing_columns.txt": {
        "namespaces": "MyNamespace"
    },
    "single_files/mutations/data_mutations_missing_zygosity_status_column.maf": {
        "namespaces": "ZYGOSITY"
    },
}

# Cases that abort the whole dbt build instead of being recorded as a load problem, so they
# cannot share the survey build; each is built alone (still with the warn var) and, while the
# build breaks, judged by dbt's error message.
# Files that abort a whole survey build (none since unreadable files are refused and logged).
BUILD_BREAKERS: dict[str, str] = {}

# Files that are scaffolding written by materialize_suite, never the case under test.
SCAFFOLD_PREFIX = "scaffold_"
CONTROL_FOLDER = "vs_control_scaffold_only"

REJECTED_TABLES = (
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


@dataclass(frozen=True)
class SuiteCase:
    """One row of EXPECTED.tsv."""

    path: str
    kind: str
    category: str
    expected: str
    main_problem: str


@dataclass
class CaseFolder:
    """Where a case was materialized: its study folder and the files that are the case."""

    case: SuiteCase
    folder: str
    study_id: str
    role: str = ""
    # source_file values (relative to studies_dir) holding the case; empty = the whole folder
    case_files: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    def owns(self, source_file: str | None) -> bool:
        """Is a problem or quarantined row in source_file attributable to the case?"""
        if not source_file or not source_file.startswith(self.folder + "/"):
            return False
        if not self.case_files:
            name = source_file.rsplit("/", 1)[-1]
            return not name.startswith(SCAFFOLD_PREFIX) and name != "meta_study.txt"
        return any(
            source_file == f or source_file.startswith(f.rstrip("/") + "/") for f in self.case_files
        )


@dataclass
class Outcome:
    """Our verdict on one case."""

    case: SuiteCase
    folder: str
    ours: str  # 'valid' | 'invalid' ('error' if the build broke for another reason)
    how: str  # 'fatal' | 'quarantine' | 'clean' | 'build error'
    reasons: list[str]
    n_rejected: int
    n_staged: int = 0
    role: str = ""

    @property
    def agrees(self) -> bool | None:
        """True/False for cases expected valid or invalid; None for warning/unknown cases."""
        if self.case.expected not in ("valid", "invalid"):
            return None
        return self.ours == self.case.expected


# --------------------------------------------------------------------------- reading


def read_expected(suite_dir: Path = SUITE_DIR) -> list[SuiteCase]:
    """All rows of EXPECTED.tsv."""
    with (suite_dir / "EXPECTED.tsv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        SuiteCase(r["path"], r["kind"], r["category"], r["expected"], r["main_problem"])
        for r in rows
    ]


def cases_in_scope(suite_dir: Path = SUITE_DIR) -> list[SuiteCase]:
    """Whole studies plus the single-file cases of file types her2lung reads."""
    return [
        c
        for c in read_expected(suite_dir)
        if c.kind == "study" or (c.kind == "single_file" and c.category in READ_CATEGORIES)
    ]


def header_columns(path: Path) -> list[str]:
    """Column names of a tab-separated file: the first non-blank line not starting with '#'."""
    with path.open("rb") as f:
        for raw in f:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            if line.strip() and not line.startswith("#"):
                return [c.strip() for c in line.split("\t")]
    return []


def read_table_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and data rows (1-based line number, tab-split fields) of a tab-separated file:
    leading '#' lines skipped, blank lines dropped, bytes that are not UTF-8 replaced."""
    lines = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = [ln.removesuffix("\r") for ln in lines.split("\n")]
    header_at = next(i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#"))
    rows = [(i + 1, ln.split("\t")) for i, ln in enumerate(lines) if i > header_at and ln.strip()]
    return lines[header_at].split("\t"), rows


def clinical_role(path: Path) -> str:
    """'sample' if the clinical file has a SAMPLE_ID column, else 'patient'."""
    cols = {c.upper() for c in header_columns(path)}
    return "sample" if "SAMPLE_ID" in cols else "patient"


# --------------------------------------------------------------------------- writing


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


def write_meta(path: Path, fields: dict[str, str]) -> None:
    path.write_text("".join(f"{k}: {v}\n" for k, v in fields.items()), encoding="utf-8")


def write_meta_study(folder: Path, study_id: str) -> None:
    write_meta(
        folder / "meta_study.txt",
        {
            "type_of_cancer": "brca",
            "cancer_study_identifier": study_id,
            "name": f"validator suite case {study_id}",
            "description": "Synthetic wrapper around a cBioPortal validator test case.",
            "add_global_case_list": "true",
            "reference_genome": "hg19",
        },
    )


def write_clinical_file(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A clinical file with the four '#' attribute lines, then the header and rows."""
    n = len(columns)
    lines = [
        "#" + "\t".join(c.replace("_", " ").title() for c in columns),
        "#" + "\t".join(columns),
        "#" + "\t".join(["STRING"] * n),
        "#" + "\t".join(["1"] * n),
        "\t".join(columns),
        *("\t".join(r) for r in rows),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_sample_file(
    folder: Path, study_id: str, samples: Sequence[tuple[str, str]], name: str
) -> None:
    """A scaffold clinical sample file ((patient, sample) pairs) and its meta file."""
    write_clinical_file(folder / f"data_{name}.txt", ["PATIENT_ID", "SAMPLE_ID"], samples)
    write_meta(
        folder / f"meta_{name}.txt",
        {
            "cancer_study_identifier": study_id,
            "genetic_alteration_type": "CLINICAL",
            "datatype": "SAMPLE_ATTRIBUTES",
            "data_filename": f"data_{name}.txt",
        },
    )


def context_samples() -> list[tuple[str, str]]:
    """(patient, sample) pairs of the unit-test context: the 13 TCGA samples defined there
    and one sample for each patient TEST-PAT1..9 except 8."""
    pairs = [(s[:12], s) for s in CONTEXT_SAMPLE_IDS]
    pairs += [(p, f"{p}-S1") for p in CONTEXT_PATIENTS_WITH_SAMPLES]
    return pairs


def write_context(folder: Path, study_id: str) -> None:
    write_sample_file(folder, study_id, context_samples(), f"{SCAFFOLD_PREFIX}clinical_samples")


def write_profile_meta(
    folder: Path, study_id: str, category: str, data_filename: str, extra: dict[str, str]
) -> None:
    alteration, datatype, stable_id = _PROFILE_META[category]
    fields = {
        "cancer_study_identifier": study_id,
        "genetic_alteration_type": alteration,
        "datatype": datatype,
    }
    if stable_id:
        fields |= {
            "stable_id": stable_id,
            "show_profile_in_analysis_tab": "true",
            "profile_name": f"{category} profile",
            "profile_description": f"{category} data of a validator test case",
        }
    fields["data_filename"] = data_filename
    fields |= extra
    write_meta(folder / f"meta_{SCAFFOLD_PREFIX}{category}.txt", fields)


def clinical_sample_pairs(path: Path) -> list[tuple[str, str]]:
    """(PATIENT_ID, SAMPLE_ID) pairs of a clinical sample file."""
    with path.open(encoding="utf-8", errors="replace") as f:
        lines = [ln.rstrip("\r\n") for ln in f]
    body = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    cols = [c.strip().upper() for c in body[0].split("\t")]
    ip, js = cols.index("PATIENT_ID"), cols.index("SAMPLE_ID")
    pairs = []
    for ln in body[1:]:
        f = ln.split("\t")
        pairs.append((f[ip].strip(), f[js].strip()))
    return pairs


def _copy_study_files(src: Path, dst: Path) -> None:
    """Copy a study folder byte for byte (files and case_lists/; other sub-folders are left out,
    they are cases of their own)."""
    dst.mkdir(parents=True)
    for item in sorted(src.iterdir()):
        if item.is_file():
            shutil.copyfile(item, dst / item.name)
        elif item.name == "case_lists":
            shutil.copytree(item, dst / "case_lists")


def _rewrite_study_id(meta_study: Path, study_id: str) -> str | None:
    """Point meta_study.txt at a unique study id; returns the original id."""
    raw = meta_study.read_bytes().decode("utf-8", errors="surrogateescape")
    original = None
    out = []
    for line in raw.splitlines(keepends=True):
        key, sep, value = line.partition(":")
        if sep and key.strip() == "cancer_study_identifier":
            original = value.strip()
            ending = line[len(line.rstrip("\r\n")) :]
            line = f"cancer_study_identifier: {study_id}{ending}"
        out.append(line)
    meta_study.write_bytes("".join(out).encode("utf-8", errors="surrogateescape"))
    return original


def _materialize_study(case: SuiteCase, studies_dir: Path, suite_dir: Path) -> CaseFolder:
    folder = "vs_study_" + slug(case.path.removeprefix("studies/"))
    dst = studies_dir / folder
    _copy_study_files(suite_dir / case.path, dst)
    cf = CaseFolder(case, folder, folder)
    meta_study = dst / "meta_study.txt"
    if meta_study.exists():
        original = _rewrite_study_id(meta_study, folder)
        cf.notes.append(
            f"meta_study.txt cancer_study_identifier {original!r} -> {folder!r} "
            "(several suite studies share an id)"
        )
    elif case.category == "incremental_data_dir":
        # an incremental data folder (validated with --data_directory) has no meta_study.txt;
        # it is loaded into study_es_0, whose samples it may reference
        write_meta_study(dst, folder)
        own = set()
        for meta in dst.glob("meta_*.txt"):
            text = meta.read_text(encoding="utf-8", errors="replace")
            if "SAMPLE_ATTRIBUTES" in text:
                data = re.search(r"^data_filename:\s*(\S+)", text, re.M)
                if data and (dst / data.group(1)).exists():
                    own |= {s for _, s in clinical_sample_pairs(dst / data.group(1))}
        target = clinical_sample_pairs(
            suite_dir / "studies" / "study_es_0" / "data_clinical_samples.txt"
        )
        write_sample_file(
            dst,
            folder,
            [(p, s) for p, s in target if s not in own],
            f"{SCAFFOLD_PREFIX}target_study_samples",
        )
        cf.notes.append(
            "incremental data folder: meta_study.txt added, plus study_es_0's samples "
            "(the study it increments) as sample context"
        )
    return cf


def _materialize_single(case: SuiteCase, studies_dir: Path, suite_dir: Path) -> CaseFolder:
    src = suite_dir / case.path
    folder = f"vs_{slug(case.category)}_{slug(src.stem)}"
    dst = studies_dir / folder
    dst.mkdir(parents=True)
    write_meta_study(dst, folder)
    cf = CaseFolder(case, folder, folder)

    if case.category == "case_lists":
        shutil.copytree(src, dst / "case_lists")
        write_context(dst, folder)
        cf.case_files = (f"{folder}/case_lists/",)
        return cf

    if case.category == "clinical":
        shutil.copyfile(src, dst / src.name)
        role = clinical_role(src)
        cf.role = role
        write_meta(
            dst / f"meta_{SCAFFOLD_PREFIX}clinical_{role}.txt",
            {
                "cancer_study_identifier": folder,
                "genetic_alteration_type": "CLINICAL",
                "datatype": f"{role.upper()}_ATTRIBUTES",
                "data_filename": src.name,
            },
        )
        if role == "patient":
            write_context(dst, folder)
        cf.case_files = (f"{folder}/{src.name}",)
        return cf

    write_context(dst, folder)
    if src.name.startswith("meta_"):
        # a meta-file case: the meta file is the case; give it a clean data file to point at
        shutil.copyfile(src, dst / src.name)
        data_name = re.search(
            r"^data_filename:\s*(\S+)", src.read_text(encoding="utf-8"), re.M
        ).group(1)
        _write_clean_maf(dst / data_name)
        cf.case_files = (f"{folder}/{src.name}", f"{folder}/{data_name}")
        cf.notes.append(f"{data_name} written as a clean one-row MAF for the meta file to name")
        return cf

    shutil.copyfile(src, dst / src.name)
    write_profile_meta(dst, folder, case.category, src.name, _EXTRA_META.get(case.path, {}))
    cf.case_files = (f"{folder}/{src.name}",)
    return cf


def _write_clean_maf(path: Path) -> None:
    cols = [
        "Hugo_Symbol",
        "Entrez_Gene_Id",
        "Tumor_Sample_Barcode",
        "Variant_Classification",
        "Chromosome",
        "Start_Position",
        "End_Position",
        "Reference_Allele",
        "Tumor_Seq_Allele2",
        "HGVSp_Short",
    ]
    row = ["KRAS", "3845", CONTEXT_SAMPLE_IDS[0], "Missense_Mutation", "12", "25398284"]
    row += ["25398284", "C", "A", "p.G12V"]
    path.write_text("\t".join(cols) + "\n" + "\t".join(row) + "\n", encoding="utf-8")


def materialize_suite(
    studies_dir: Path, cases: Sequence[SuiteCase] | None = None, suite_dir: Path = SUITE_DIR
) -> list[CaseFolder]:
    """Write one study folder per case under studies_dir, plus a scaffold-only control folder
    (meta_study.txt and the context sample file) that must load clean."""
    studies_dir.mkdir(parents=True, exist_ok=True)
    cases = cases_in_scope(suite_dir) if cases is None else cases
    folders = []
    for case in cases:
        if case.kind == "study":
            folders.append(_materialize_study(case, studies_dir, suite_dir))
        else:
            folders.append(_materialize_single(case, studies_dir, suite_dir))
    names = [f.folder for f in folders]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"case folders collide: {sorted(duplicates)}")
    control = studies_dir / CONTROL_FOLDER
    control.mkdir()
    write_meta_study(control, CONTROL_FOLDER)
    write_context(control, CONTROL_FOLDER)
    return folders


# --------------------------------------------------------------------------- verdicts


STAGED_TABLES = REJECTED_TABLES

# dbt selection for the survey: the raw and staging layers (and the seeds they read). The
# verdict is defined on them; marts are not needed and would only slow the survey down.
# Tests are taken only when all their parents are selected (singular tests on marts are not).
SURVEY_SELECT = ["--select", "+path:models/staging", "--indirect-selection", "cautious"]


def built_warehouse(db_path: Path) -> Path:
    """The warehouse file a build left: the published file, or, when the build did not
    publish (a node failed), the candidate file it wrote into (her2lung.publish)."""
    if db_path.exists():
        return db_path
    try:
        from her2lung.publish import candidate_path
    except ImportError:
        return db_path
    candidate = candidate_path(db_path)
    return candidate if candidate.exists() else db_path


@dataclass
class Findings:
    """What a survey build recorded: fatal problems, quarantined and staged rows."""

    fatal: list[tuple]  # (study_folder, source_file, column_name, problem)
    rejected: list[tuple]  # (entity, source_file, reject_reason)
    staged: dict[str, int]  # source_file -> staged rows over all staging tables


def load_findings(db_path: Path) -> Findings:
    """Read fatal load problems, quarantined rows and staged row counts of a built warehouse."""
    db_path = built_warehouse(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        fatal = con.execute(
            "select study_folder, source_file, column_name, problem "
            "from raw.raw_cbioportal__load_problems where severity = 'fatal' "
            "order by all"
        ).fetchall()
        union = " union all ".join(
            f"select '{t}' as entity, source_file, reject_reason "
            f"from staging.stg_cbioportal__{t}_rejected"
            for t in REJECTED_TABLES
        )
        rejected = con.execute(f"select * from ({union}) order by all").fetchall()
        union = " union all ".join(
            f"select source_file from staging.stg_cbioportal__{t}" for t in STAGED_TABLES
        )
        staged = dict(
            con.execute(f"select source_file, count(*) from ({union}) group by all").fetchall()
        )
    finally:
        con.close()
    return Findings(fatal, rejected, staged)


def _generalize(reason: str) -> str:
    """A reject reason with quoted values replaced, so that equal kinds of problem group."""
    return re.sub(r"'[^']*'", "'…'", re.sub(r"line \d+", "line …", reason))


def judge(folders: Sequence[CaseFolder], findings: Findings) -> list[Outcome]:
    """Our verdict per case: 'invalid' if a fatal load problem or a quarantined row is
    attributable to the case, else 'valid'."""
    outcomes = []
    for cf in folders:
        own_fatal = [p for p in findings.fatal if p[0] == cf.folder]
        own_rejected = [r for r in findings.rejected if cf.owns(r[1])]
        n_staged = sum(n for f, n in findings.staged.items() if cf.owns(f))
        if own_fatal:
            how = "fatal"
            reasons = sorted(
                {
                    f"{p[1].removeprefix(cf.folder + '/')}"
                    + (f" [{p[2]}]" if p[2] else "")
                    + f": {p[3]}"
                    for p in own_fatal
                }
            )
        elif own_rejected:
            how = "quarantine"
            counts: dict[str, int] = {}
            for entity, _, reason in own_rejected:
                key = f"{entity}: {_generalize(reason)}"
                counts[key] = counts.get(key, 0) + 1
            reasons = [f"{k} ×{n}" for k, n in sorted(counts.items())]
        else:
            how, reasons = "clean", []
        outcomes.append(
            Outcome(
                case=cf.case,
                folder=cf.folder,
                ours="valid" if how == "clean" else "invalid",
                how=how,
                reasons=reasons,
                n_rejected=len(own_rejected),
                n_staged=n_staged,
                role=cf.role,
            )
        )
    return outcomes


def scaffold_findings(folders: Sequence[CaseFolder], findings: Findings) -> list[str]:
    """Problems or quarantined rows in scaffolding (the control folder, context files, wrapper
    meta files) rather than in a case: these would mean the wrapping itself is wrong."""
    out = [f"fatal in control folder: {p}" for p in findings.fatal if p[0] == CONTROL_FOLDER]
    out += [
        f"rejected in control folder: {r}"
        for r in findings.rejected
        if r[1].startswith(CONTROL_FOLDER + "/")
    ]
    if not any(f.startswith(CONTROL_FOLDER + "/") for f in findings.staged):
        out.append("the control folder's context samples were not staged")
    for cf in folders:
        for r in findings.rejected:
            if r[1].startswith(cf.folder + "/") and not cf.owns(r[1]):
                out.append(f"{cf.case.path}: rejected row in scaffolding {r}")
        if cf.case.kind == "single_file":
            # a single file's fatal problems must be about the file itself
            for p in findings.fatal:
                if p[0] == cf.folder and not cf.owns(p[1]):
                    out.append(f"{cf.case.path}: fatal problem in scaffolding {p}")
    return out


@dataclass
class SuiteRun:
    folders: list[CaseFolder]
    outcomes: list[Outcome]
    scaffold_problems: list[str]
    build_returncode: int
    build_failures: list[dict]
    build_stdout: str
    db_path: Path


def _error_lines(stdout: str, needle: str) -> list[str]:
    """The lines of dbt's output around the first mention of needle (an error naming a file)."""
    lines = [ln.strip() for ln in stdout.splitlines()]
    for i, ln in enumerate(lines):
        if needle in ln:
            window = lines[max(0, i - 12) : i + 1]
            return [w for w in window if "Error" in w or needle in w]
    return []


def _judge_build_breaker(cf: CaseFolder, work_dir: Path) -> tuple[Outcome, Findings | None]:
    """Build one case alone (fatal problems recorded, not raised). If the build still breaks,
    the case is invalid when dbt's error names the case file."""
    from her2lung.warehouse import run_dbt

    db_path = work_dir / "w.duckdb"
    result = run_dbt(
        ["build", *SURVEY_SELECT],
        studies_dir=work_dir / "studies",
        db_path=db_path,
        dbt_vars={"on_fatal_problem": "warn"},
        target_path=work_dir / "target",
    )
    try:
        findings = load_findings(db_path)
    except (duckdb.Error, FileNotFoundError):
        findings = None
    if findings is not None:
        return judge([cf], findings)[0], findings
    name = cf.case_files[0].rsplit("/", 1)[-1] if cf.case_files else cf.folder
    reasons = _error_lines(result.stdout, name)
    outcome = Outcome(
        case=cf.case,
        folder=cf.folder,
        # a build that breaks without naming the case file says nothing about the case
        ours="invalid" if reasons else "error",
        how="build error" if reasons else "build error (file not named)",
        reasons=[" ".join(r.split())[:240] for r in reasons[-3:]],
        n_rejected=0,
        role=cf.role,
    )
    return outcome, None


def run_suite(work_dir: Path, cases: Sequence[SuiteCase] | None = None) -> SuiteRun:
    """Materialize the cases under work_dir, load them all in ONE dbt build (fatal problems
    recorded, not raised) and judge each case. BUILD_BREAKERS get a build of their own."""
    from her2lung.warehouse import run_dbt

    cases = cases_in_scope() if cases is None else list(cases)
    surveyed = [c for c in cases if c.path not in BUILD_BREAKERS]
    studies_dir = work_dir / "studies"
    folders = materialize_suite(studies_dir, surveyed)
    db_path = work_dir / "suite.duckdb"
    result = run_dbt(
        ["build", *SURVEY_SELECT],
        studies_dir=studies_dir,
        db_path=db_path,
        dbt_vars={"on_fatal_problem": "warn"},
        target_path=work_dir / "target",
    )
    try:
        findings = load_findings(db_path)
    except (duckdb.Error, FileNotFoundError) as exc:
        raise RuntimeError(
            f"the survey build did not land the staging tables ({exc});\n"
            + "\n".join(f"{f['node']}: {f['message']}" for f in result.failures())
        ) from exc
    outcomes = judge(folders, findings)
    scaffold = scaffold_findings(folders, findings)
    for i, case in enumerate(c for c in cases if c.path in BUILD_BREAKERS):
        alone = work_dir / f"alone_{i}"
        [cf] = materialize_suite(alone / "studies", [case])
        outcome, alone_findings = _judge_build_breaker(cf, alone)
        folders.append(cf)
        outcomes.append(outcome)
        if alone_findings is not None:
            scaffold += scaffold_findings([cf], alone_findings)
    order = {c.path: i for i, c in enumerate(cases)}
    outcomes.sort(key=lambda o: order[o.case.path])
    folders.sort(key=lambda f: order[f.case.path])
    return SuiteRun(
        folders=folders,
        outcomes=outcomes,
        scaffold_problems=scaffold,
        build_returncode=result.returncode,
        build_failures=result.failures(),
        build_stdout=result.stdout,
        db_path=built_warehouse(db_path),
    )


# --------------------------------------------------------------------------- report


def agreement(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(agreeing, judged) over the cases expected valid or invalid."""
    judged = [o for o in outcomes if o.agrees is not None]
    return sum(1 for o in judged if o.agrees), len(judged)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(
    run: SuiteRun,
    disagreements: dict[str, str],
    bugs: dict[str, str],
    other_bugs: dict[str, str],
) -> str:
    """docs/validator_suite.md: the measured outcome per case."""
    outcomes = run.outcomes
    agree, judged = agreement(outcomes)
    warnings = [o for o in outcomes if o.case.expected == "warning"]
    n_warn_invalid = sum(1 for o in warnings if o.ours == "invalid")
    lines = [
        "# cBioPortal validator suite: how her2lung judges each case",
        "",
        "Generated by `.venv/bin/python -m tests.helpers_studies` from one dbt build of every",
        "case (`on_fatal_problem: warn`); checked by `tests/test_validator_suite.py`. Do not edit",
        "by hand.",
        "",
        "Source: `shared/data/cbioportal-validator-suite` (cbioportal-core @ c3c8edf,",
        "`tests/test_data/`; expected verdicts from its `EXPECTED.tsv`). In scope: the whole study",
        "folders and the single-file cases of the file types her2lung reads (categories "
        + ", ".join(f"`{c}`" for c in READ_CATEGORIES)
        + ").",
        "",
        "## How a case is loaded",
        "",
        "- Every case gets its own study folder, and all folders are loaded by ONE build.",
        "- Single files are wrapped: a `meta_study.txt`, a meta file with the right",
        "  `genetic_alteration_type`/`datatype` naming the file, and a clinical sample file",
        "  defining the unit-test context (13 TCGA samples and one sample for each of",
        "  TEST-PAT1..9 except 8). A clinical file with a `SAMPLE_ID` column is loaded as the",
        "  study's sample file, otherwise as its patient file. Case-list folders become",
        "  `case_lists/`. The meta-file case gets a clean one-row MAF to point at.",
        "- Whole studies are copied byte for byte, except that `meta_study.txt` gets a unique",
        "  `cancer_study_identifier` (six suite studies share `study_es_0`, five",
        "  `brca_tcga_pub`). The incremental folders (`study_es_0_inc`, its `cna_long/`) get a",
        "  `meta_study.txt` and study_es_0's samples as context, as they are loaded into it.",
        "- A scaffold-only control folder must load clean, and no problem may come from the",
        "  scaffolding.",
        "",
        "## Verdict",
        "",
        "Ours is **invalid** when the case has a fatal load problem (without the warn var the",
        "build fails naming study folder, file and column) or at least one quarantined row in a",
        "`stg_cbioportal__*_rejected` table from the case's files; otherwise **valid**.",
        "`how`: fatal / quarantine / clean; `build error` for a case whose file breaks the",
        "whole build (then built alone, see the bugs section).",
        "",
        f"**Agreement: {agree} of {judged} cases expected valid or invalid "
        f"({100 * agree / judged:.1f} %).** "
        f"{len(warnings)} cases are expected to pass with warnings only; we load "
        f"{len(warnings) - n_warn_invalid} of them clean and quarantine rows in "
        f"{n_warn_invalid} (not counted either way).",
        "",
        f"Of these {judged} cases, {len(disagreements)} are known, justified disagreements (the "
        "verdict needs the cBioPortal server's knowledge, or the check is outside what her2lung "
        f"reads) and {len(bugs)} are open her2lung bugs. Within her2lung's scope "
        f"({judged - len(disagreements)} cases) {agree} agree "
        f"({100 * agree / max(judged - len(disagreements), 1):.1f} %).",
        "",
    ]
    if run.build_returncode != 0:
        failed = ", ".join(sorted(str(f["node"]) for f in run.build_failures))
        lines += [f"The survey build exited {run.build_returncode}; failed nodes: {failed}.", ""]
    lines += [
        "| case | expected | ours | how | agrees | what we found | why we differ |",
        "|---|---|---|---|---|---|---|",
    ]

    def why(path: str) -> str:
        if path in bugs:
            return "BUG: " + bugs[path]
        return disagreements.get(path, "")

    for o in outcomes:
        mark = {True: "yes", False: "**no**", None: "–"}[o.agrees]
        found = "; ".join(o.reasons[:4]) + (
            f"; … (+{len(o.reasons) - 4})" if len(o.reasons) > 4 else ""
        )
        role = f" ({o.role} file)" if o.role else ""
        lines.append(
            f"| `{o.case.path}`{role} | {o.case.expected} | {o.ours} | {o.how} | {mark} | "
            f"{_cell(found) or '–'} | {_cell(why(o.case.path))} |"
        )
    notes = [(f.case.path, n) for f in run.folders for n in f.notes]
    if notes:
        lines += ["", "## Wrapping notes", ""]
        lines += [f"- `{path}`: {note}" for path, note in notes]
    lines += [
        "",
        "## Known, justified disagreements",
        "",
        "Listed in `KNOWN_DISAGREEMENTS` in `tests/test_validator_suite.py`; the test asserts that",
        "each still disagrees, and that every other valid/invalid case agrees.",
        "",
    ]
    for path, reason in sorted(disagreements.items()):
        lines.append(f"- `{path}`: {reason}")
    lines += [
        "",
        "## Open her2lung bugs found by the suite",
        "",
        "Strict xfail tests in `tests/test_validator_suite.py`: they start failing (XPASS) once",
        "the bug is fixed, so the entry can be removed.",
        "",
    ]
    for path, reason in sorted(bugs.items()):
        lines.append(f"- `{path}` (verdict wrong): {reason}")
    for path, reason in sorted(BUILD_BREAKERS.items()):
        lines.append(f"- `{path}` (verdict right, path wrong; built alone): {reason}")
    for name, reason in sorted(other_bugs.items()):
        lines.append(f"- {name} (verdict unaffected): {reason}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the survey and write docs/validator_suite.md."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_validator_suite import KNOWN_DISAGREEMENTS, OPEN_BUGS, OTHER_BUGS

    with tempfile.TemporaryDirectory(prefix="her2lung_suite_") as tmp:
        run = run_suite(Path(tmp))
    if run.scaffold_problems:
        print("scaffolding problems:\n  " + "\n  ".join(run.scaffold_problems), file=sys.stderr)
        return 1
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(run, KNOWN_DISAGREEMENTS, OPEN_BUGS, OTHER_BUGS)
    DOC_PATH.write_text(markdown, encoding="utf-8")
    agree, judged = agreement(run.outcomes)
    print(f"wrote {DOC_PATH} ({agree}/{judged} agree)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
