"""The data-quality suite (issue 6): dbt tests and a great-expectations suite, one result table.

Two engines check the ERBB2 calls and the survival inputs:

* **dbt** - singular tests (``data-tests/quality``) and generic ``quality_rule`` tests on the
  tables of ``models/quality``; they run in every ``dbt build``. Their verdicts (status,
  number of failing rows, severity) are read from dbt's own ``run_results.json`` and
  ``manifest.json``; the failing rows themselves - each naming rule, study and sample or
  patient - are fetched by re-running the test's compiled SQL against the warehouse, so that
  nothing has to be stored by dbt (no ``store_failures`` tables) and the verdict stays dbt's.
* **great_expectations** - an Expectation Suite per ERBB2 mart, validated on pandas frames
  read from the warehouse (the pandas route works offline; GX's SQL route with duckdb-engine
  is unreliable). It writes HTML Data Docs. ``great_expectations`` is imported only inside
  :func:`run_gx_suite`, so importing this module stays cheap.

:func:`validate` runs both, writes ``quality.check_results`` (check, engine, severity,
status, n_failing, example_ids, message, run_at) and ``quality.check_failures`` (one row per
failing record) into the warehouse, and ``check_results.json`` plus ``report.html`` into the
quality folder (default: ``quality/`` beside the warehouse file), where they stay readable
when a failed build is not published. Nothing here prints; the CLI does.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

__all__ = [
    "CheckResult",
    "Failure",
    "QualityReport",
    "default_quality_dir",
    "dbt_check_results",
    "read_dbt_artifacts",
    "run_gx_suite",
    "validate",
    "write_report_files",
    "write_results_table",
]

ENGINE_DBT = "dbt"
ENGINE_GX = "great_expectations"
SEVERITIES = ("error", "warn")
# dbt run-result status -> our status (the severity is kept apart)
_DBT_STATUS = {
    "pass": "pass",
    "fail": "fail",
    "warn": "fail",
    "error": "error",
    "skipped": "skipped",
}
MAX_FAILURES_PER_CHECK = 1000
N_EXAMPLES = 5
QUALITY_TAG = "quality"


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check of one engine."""

    check: str
    engine: str
    severity: str  # 'error' | 'warn'
    status: str  # 'pass' | 'fail' | 'error' (could not run) | 'skipped'
    n_failing: int | None
    example_ids: tuple[str, ...] = ()
    message: str = ""  # the first failing record's message (or why the check could not run)
    description: str = ""
    node: str = ""  # dbt unique_id, or GX suite
    is_quality_suite: bool = True  # False for the project's other dbt tests

    @property
    def is_blocking(self) -> bool:
        """An error-severity check that failed or could not run."""
        return self.severity == "error" and self.status in ("fail", "error")


@dataclass(frozen=True)
class Failure:
    """One failing record of a check."""

    check: str
    engine: str
    severity: str
    study_id: str | None
    subject_type: str | None
    subject_id: str | None
    message: str


@dataclass
class QualityReport:
    """Both engines' results for one warehouse file."""

    db_path: Path
    out_dir: Path
    run_at: dt.datetime
    checks: list[CheckResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    data_docs_index: Path | None = None
    json_path: Path | None = None
    html_path: Path | None = None
    table_written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No error-severity check failed or errored."""
        return not any(c.is_blocking for c in self.checks)

    @property
    def blocking(self) -> list[CheckResult]:
        return [c for c in self.checks if c.is_blocking]

    def frame(self) -> pd.DataFrame:
        """One row per check (the columns of quality.check_results)."""
        return _checks_frame(self.checks, self.run_at)

    def summary(self, *, all_checks: bool = False) -> pd.DataFrame:
        """The checks to show: the quality suite of both engines, plus any other dbt test that
        did not pass (all of them with ``all_checks``)."""
        shown = [
            c
            for c in self.checks
            if all_checks or c.is_quality_suite or c.status not in ("pass", "skipped")
        ]
        frame = _checks_frame(shown, self.run_at).drop(columns=["run_at", "message"])
        frame["example_ids"] = frame["example_ids"].str.slice(0, 60)
        return frame

    def counts(self) -> dict[str, int]:
        """Checks by outcome: passed, failed (error / warn severity), errored, skipped."""
        out = {"pass": 0, "fail_error": 0, "fail_warn": 0, "error": 0, "skipped": 0}
        for c in self.checks:
            if c.status == "fail":
                out["fail_error" if c.severity == "error" else "fail_warn"] += 1
            else:
                out[c.status] = out.get(c.status, 0) + 1
        return out


def default_quality_dir(db_path: Path | str) -> Path:
    """The quality folder beside a warehouse file (warehouse/her2lung.duckdb -> warehouse/quality)."""
    return Path(db_path).resolve().parent / "quality"


# ----------------------------------------------------------------------------------- dbt


def _subject_columns(columns: list[str]) -> tuple[str | None, str | None]:
    """(study column, subject column) among a failing row's columns."""
    study = "study_id" if "study_id" in columns else None
    for candidate in ("subject_id", "sample_id", "patient_id", "alteration_id"):
        if candidate in columns:
            return study, candidate
    others = [c for c in columns if c != study]
    return study, (others[0] if others else None)


def _example_id(study: Any, subject: Any) -> str:
    parts = [str(v) for v in (study, subject) if v is not None and not pd.isna(v)]
    return ":".join(parts) if parts else "(no id)"


def _rows_to_failures(
    frame: pd.DataFrame, *, check: str, engine: str, severity: str, fallback_message: str
) -> list[Failure]:
    columns = list(frame.columns)
    study_col, subject_col = _subject_columns(columns)
    failures = []
    for record in frame.to_dict("records"):
        study = record.get(study_col) if study_col else None
        subject = record.get(subject_col) if subject_col else None
        message = record.get("message")
        if not isinstance(message, str) or not message:
            detail = ", ".join(f"{k}={record[k]}" for k in columns[:6])
            message = f"[{check}] {fallback_message}: {detail}"
        failures.append(
            Failure(
                check=check,
                engine=engine,
                severity=severity,
                study_id=None if study is None or pd.isna(study) else str(study),
                subject_type=record.get("subject_type") or subject_col,
                subject_id=None if subject is None or pd.isna(subject) else str(subject),
                message=message,
            )
        )
    return failures


def _rehome_catalog(sql: str, compiled_catalog: str | None, con: duckdb.DuckDBPyConnection) -> str:
    """Point compiled SQL at the connection's catalog when the file was compiled under another
    name (a copied or renamed warehouse)."""
    current = con.execute("select current_database()").fetchone()[0]
    if compiled_catalog and compiled_catalog != current:
        return sql.replace(f'"{compiled_catalog}".', f'"{current}".')
    return sql


def dbt_check_results(
    run_results: dict,
    manifest: dict,
    con: duckdb.DuckDBPyConnection,
    *,
    max_failures: int = MAX_FAILURES_PER_CHECK,
) -> tuple[list[CheckResult], list[Failure]]:
    """The data tests of a dbt invocation as checks, with their failing rows.

    ``run_results`` and ``manifest`` are dbt's artifacts of the same invocation (build or
    test). Severity, name, description and tags come from the manifest; status and failure
    count from the run results; failing rows from re-running the compiled test SQL on ``con``
    (up to ``max_failures`` per check).
    """
    nodes = manifest.get("nodes", {})
    checks: list[CheckResult] = []
    failures: list[Failure] = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test."):
            continue
        node = nodes.get(unique_id, {})
        config = node.get("config", {})
        severity = str(config.get("severity", "error")).lower()
        name = node.get("name") or unique_id.split(".")[-2]
        dbt_status = result.get("status")
        status = _DBT_STATUS.get(dbt_status, "error")
        n_failing = result.get("failures") if status in ("pass", "fail") else None
        if status == "pass":
            n_failing = 0
        message = "" if status == "pass" else (result.get("message") or "")
        examples: tuple[str, ...] = ()
        if status == "fail" and result.get("compiled_code"):
            sql = _rehome_catalog(
                result["compiled_code"].strip().rstrip(";"), node.get("database"), con
            )
            try:
                rows = con.execute(
                    f"select * from ({sql}) as failing limit {int(max_failures)}"
                ).df()
            except duckdb.Error as exc:
                message = f"{message}; failing rows could not be read back: {exc}".strip("; ")
            else:
                found = _rows_to_failures(
                    rows,
                    check=name,
                    engine=ENGINE_DBT,
                    severity=severity,
                    fallback_message=message or "failing row",
                )
                failures.extend(found)
                examples = tuple(
                    dict.fromkeys(_example_id(f.study_id, f.subject_id) for f in found)
                )[:N_EXAMPLES]
                if found:
                    message = found[0].message
        checks.append(
            CheckResult(
                check=name,
                engine=ENGINE_DBT,
                severity=severity if severity in SEVERITIES else "error",
                status=status,
                n_failing=n_failing,
                example_ids=examples,
                message=message,
                description=(node.get("description") or "").strip(),
                node=unique_id,
                is_quality_suite=QUALITY_TAG in (node.get("tags") or config.get("tags") or []),
            )
        )
    return checks, failures


def read_dbt_artifacts(target_path: Path | str) -> tuple[dict, dict]:
    """run_results.json and manifest.json of a dbt target folder."""
    target = Path(target_path)
    run_results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    return run_results, manifest


# ------------------------------------------------------------------------ great-expectations

# The frames the suite validates, read from the warehouse. Each names its id columns (the
# "unexpected index" GX reports for every failing row) and the kind of subject they identify.
_ASSET_SQL: dict[str, str] = {
    "erbb2_alterations": """
        select
            a.study_id,
            a.sample_id,
            a.alteration_id,
            a.alteration_type,
            a.cna_value,
            a.source_gene_symbol,
            upper(trim(a.source_gene_symbol)) as source_symbol_key,
            a.entrez_gene_id,
            coalesce(p.is_profiled, false) as is_profiled
        from marts.fct_alterations as a
        left join marts.fct_gene_profiling as p
            on a.study_id = p.study_id
            and a.sample_id = p.sample_id
            and p.gene = a.gene
            and p.alteration_type = case a.alteration_type
                when 'mutation' then 'mutation'
                when 'fusion' then 'structural_variant'
                else 'copy_number' end
        where a.gene = 'ERBB2'
        order by a.study_id, a.sample_id, a.alteration_id
    """,
    "erbb2_mutations": """
        select
            study_id,
            sample_id,
            variant_classification,
            protein_change,
            protein_position,
            is_nonsynonymous,
            erbb2_mutation_class,
            upper(coalesce(ncbi_build, 'MISSING')) as build_key,
            replace(upper(chromosome), 'CHR', '') as chromosome_key,
            chromosome,
            start_position,
            end_position,
            reference_allele,
            tumor_seq_allele2
        from marts.fct_alterations
        where gene = 'ERBB2' and alteration_type = 'mutation'
        order by study_id, sample_id, alteration_id
    """,
    "erbb2_samples": """
        select * from marts.fct_sample_genomics order by study_id, sample_id
    """,
    "erbb2_study_rates": """
        select
            study_id,
            count(has_erbb2_alteration) as n_erbb2_profiled,
            count(*) filter (where has_erbb2_alteration) as n_erbb2_altered,
            100.0 * count(*) filter (where has_erbb2_alteration)
                / nullif(count(has_erbb2_alteration), 0) as erbb2_altered_pct,
            count(*) filter (where has_kras_mutation is not null and has_egfr_mutation is not null
                and (has_kras_mutation or has_egfr_mutation)) as n_kras_or_egfr,
            count(*) filter (where has_kras_mutation and has_egfr_mutation) as n_kras_and_egfr,
            100.0 * count(*) filter (where has_kras_mutation and has_egfr_mutation)
                / nullif(count(*) filter (where has_kras_mutation is not null
                    and has_egfr_mutation is not null
                    and (has_kras_mutation or has_egfr_mutation)), 0) as kras_egfr_comutated_pct
        from marts.fct_sample_genomics
        group by study_id
        order by study_id
    """,
    "patients": """
        select
            d.study_id,
            d.patient_id,
            d.os_months,
            d.os_event,
            s.os_status,
            coalesce(s.os_status in (select os_status from reference.os_status_codes), false)
                as is_os_status_known
        from marts.dim_patients as d
        left join staging.stg_cbioportal__patients as s
            on d.study_id = s.study_id and d.patient_id = s.patient_id
        order by d.study_id, d.patient_id
    """,
    "erbb2_prevalence": """
        select * from marts.erbb2_prevalence order by all
    """,
}
_ASSET_IDS: dict[str, tuple[list[str], str]] = {
    "erbb2_alterations": (["study_id", "sample_id"], "sample"),
    "erbb2_mutations": (["study_id", "sample_id"], "sample"),
    "erbb2_samples": (["study_id", "sample_id"], "sample"),
    "erbb2_study_rates": (["study_id"], "study"),
    "patients": (["study_id", "patient_id"], "patient"),
    "erbb2_prevalence": (["study_id", "unit", "driver_cohort", "alteration"], "prevalence row"),
    "quarantined_rows": (
        ["study_id", "subject_id", "subject_type", "rejected_table", "source_file", "source_line"],
        "subject",
    ),
}


@dataclass(frozen=True)
class _GxCheck:
    check: str
    severity: str
    asset: str
    description: str
    build: Callable[[Any, Any], Any]  # (gx module, row-condition Column class) -> Expectation


def _quarantine_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Every staging *_rejected table (found in the catalog, so a new one is covered without
    code changes), with its id column."""
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' and table_name like '%\\_rejected' escape '\\' "
            "order by table_name"
        ).fetchall()
    ]
    parts = []
    for table in tables:
        columns = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'staging' and table_name = ?",
                [table],
            ).fetchall()
        }
        subject = next(
            (c for c in ("patient_id", "sample_id", "gene_panel_id") if c in columns), None
        )
        subject_sql = f"cast({subject} as varchar)" if subject else "cast(null as varchar)"
        kind = subject.removesuffix("_id").replace("_", " ") if subject else "row"
        parts.append(
            f"select study_id, '{kind}' as subject_type, {subject_sql} as subject_id, "
            f"'{table}' as rejected_table, source_file, source_line, reject_reason "
            f"from staging.{table}"
        )
    if not parts:
        return (
            "select null::varchar as study_id, null::varchar as subject_type, "
            "null::varchar as subject_id, null::varchar as rejected_table, "
            "null::varchar as source_file, null::bigint as source_line, "
            "null::varchar as reject_reason where false"
        )
    return " union all ".join(parts) + " order by all"


def _seed(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def _gx_checks(con: duckdb.DuckDBPyConnection) -> list[_GxCheck]:
    """The Expectation Suite, parameterised from the reference seeds in the warehouse."""
    loci = _seed(
        con,
        "select upper(ncbi_build) as build_key, ncbi_build, cast(chromosome as varchar) as chromosome, "
        "start_position, end_position from reference.erbb2_loci where region = 'gene' order by 1",
    )
    regions = _seed(con, "select * from reference.erbb2_protein_regions").set_index("region")
    aliases = _seed(
        con,
        "select upper(trim(symbol)) as symbol, hugo_symbol, entrez_gene_id from reference.gene_aliases",
    )
    thresholds = _seed(
        con, "select check_name, parameter, value from reference.erbb2_quality_thresholds"
    )
    limit = {(r.check_name, r.parameter): float(r.value) for r in thresholds.itertuples()}
    erbb2_entrez = sorted(
        {int(v) for v in aliases.loc[aliases.hugo_symbol == "ERBB2", "entrez_gene_id"]}
    )
    other_symbols = sorted(set(aliases.loc[aliases.hugo_symbol != "ERBB2", "symbol"]))
    p_start, p_end = (int(v) for v in regions.loc["protein", ["protein_start", "protein_end"]])
    x_start, x_end = (int(v) for v in regions.loc["exon20", ["protein_start", "protein_end"]])
    t_start, t_end = (int(v) for v in regions.loc["tkd", ["protein_start", "protein_end"]])
    classes = ["exon20_insertion", "tkd_missense", "ecd_s310", "tmd", "other"]

    checks: list[_GxCheck] = [
        _GxCheck(
            "erbb2_alteration_id_unique",
            "error",
            "erbb2_alterations",
            "alteration_id is unique and not null",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeUnique(column="alteration_id"),
        ),
        _GxCheck(
            "erbb2_protein_position_in_range",
            "error",
            "erbb2_mutations",
            f"protein_position within ERBB2 codons {p_start}-{p_end} (seed erbb2_protein_regions)",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeBetween(
                column="protein_position", min_value=p_start, max_value=p_end
            ),
        ),
        _GxCheck(
            "erbb2_variant_build_known",
            "warn",
            "erbb2_mutations",
            f"NCBI_Build of each ERBB2 mutation is one of {', '.join(loci.ncbi_build)} (seed erbb2_loci)",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeInSet(
                column="build_key", value_set=list(loci.build_key)
            ),
        ),
        _GxCheck(
            "erbb2_variant_in_locus (chromosome)",
            "error",
            "erbb2_mutations",
            "ERBB2 mutations lie on chromosome " + ", ".join(sorted(set(loci.chromosome))),
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeInSet(
                column="chromosome_key", value_set=sorted(set(loci.chromosome))
            ),
        ),
    ]
    for locus in loci.itertuples():
        for column in ("start_position", "end_position"):
            checks.append(
                _GxCheck(
                    f"erbb2_variant_in_locus ({locus.ncbi_build} {column})",
                    "error",
                    "erbb2_mutations",
                    f"{column} of each {locus.ncbi_build} ERBB2 mutation within the ERBB2 locus "
                    f"{locus.chromosome}:{locus.start_position}-{locus.end_position} (seed erbb2_loci)",
                    lambda gx, col, locus=locus, column=column: (
                        gx.expectations.ExpectColumnValuesToBeBetween(
                            column=column,
                            min_value=int(locus.start_position),
                            max_value=int(locus.end_position),
                            row_condition=col("build_key") == locus.build_key,
                        )
                    ),
                )
            )
    checks += [
        _GxCheck(
            "erbb2_amplification_from_cna_2", "error", "erbb2_alterations",
            "every ERBB2 amplification has a discrete CNA value of 2",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeInSet(
                column="cna_value", value_set=[2.0], row_condition=col("alteration_type") == "amplification"
            ),
        ),
        _GxCheck(
            "erbb2_call_on_profiled_sample", "error", "erbb2_alterations",
            "no ERBB2 call on a sample not profiled for ERBB2 for that alteration type (fct_gene_profiling)",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeInSet(column="is_profiled", value_set=[True]),
        ),
        _GxCheck(
            "erbb2_symbol_entrez_agree (symbol)", "error", "erbb2_alterations",
            "no ERBB2 call from a symbol that names another gene (e.g. ERBB2IP = ERBIN; seed gene_aliases)",
            lambda gx, col: gx.expectations.ExpectColumnValuesToNotBeInSet(
                column="source_symbol_key", value_set=other_symbols
            ),
        ),
        _GxCheck(
            "erbb2_symbol_entrez_agree (entrez)", "error", "erbb2_alterations",
            f"the Entrez id of every ERBB2 call, when given, is {erbb2_entrez}",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeInSet(
                column="entrez_gene_id", value_set=erbb2_entrez
            ),
        ),
        _GxCheck(
            "erbb2_mutation_class_consistent (classes)", "error", "erbb2_mutations",
            "every nonsynonymous ERBB2 mutation has one of the ERBB2 mutation classes",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeInSet(
                column="erbb2_mutation_class", value_set=classes,
                row_condition=col("is_nonsynonymous") == True,  # noqa: E712
            ),
        ),
        _GxCheck(
            "erbb2_mutation_class_consistent (exon20 class)", "error", "erbb2_mutations",
            "exon-20 insertions are In_Frame_Ins (dup included)",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeInSet(
                column="variant_classification", value_set=["In_Frame_Ins"],
                row_condition=col("erbb2_mutation_class") == "exon20_insertion",
            ),
        ),
        _GxCheck(
            "erbb2_mutation_class_consistent (exon20 codons)", "error", "erbb2_mutations",
            f"exon-20 insertions lie at codons {x_start}-{x_end} (seed erbb2_protein_regions)",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeBetween(
                column="protein_position", min_value=x_start, max_value=x_end,
                row_condition=col("erbb2_mutation_class") == "exon20_insertion",
            ),
        ),
        _GxCheck(
            "erbb2_mutation_class_consistent (tkd codons)", "error", "erbb2_mutations",
            f"tkd_missense mutations are missense at codons {t_start}-{t_end}",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeBetween(
                column="protein_position", min_value=t_start, max_value=t_end,
                row_condition=col("erbb2_mutation_class") == "tkd_missense",
            ),
        ),
        _GxCheck(
            "mutation_not_duplicated", "error", "erbb2_mutations",
            "no two ERBB2 mutation rows of a sample share chromosome, position and alleles",
            lambda gx, col: gx.expectations.ExpectCompoundColumnsToBeUnique(
                column_list=["study_id", "sample_id", "chromosome", "start_position",
                             "reference_allele", "tumor_seq_allele2"],
            ),
        ),
        _GxCheck(
            "erbb2_unprofiled_is_unknown (mutation)", "error", "erbb2_samples",
            "has_erbb2_mutation is NULL (unknown) for samples not profiled for ERBB2 mutations",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeNull(
                column="has_erbb2_mutation", row_condition=col("is_erbb2_mutation_profiled") == False,  # noqa: E712
            ),
        ),
        _GxCheck(
            "erbb2_unprofiled_is_unknown (amplification)", "error", "erbb2_samples",
            "has_erbb2_amplification is NULL (unknown) for samples not profiled for ERBB2 copy number",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeNull(
                column="has_erbb2_amplification", row_condition=col("is_erbb2_cna_profiled") == False,  # noqa: E712
            ),
        ),
        _GxCheck(
            "erbb2_profiled_is_known", "error", "erbb2_samples",
            "has_erbb2_mutation is true/false for every sample profiled for ERBB2 mutations",
            lambda gx, col: gx.expectations.ExpectColumnValuesToNotBeNull(
                column="has_erbb2_mutation", row_condition=col("is_erbb2_mutation_profiled") == True,  # noqa: E712
            ),
        ),
        _GxCheck(
            "erbb2_alteration_rate_plausible", "warn", "erbb2_study_rates",
            "per-study ERBB2 alteration rate within {:g}-{:g}% of ERBB2-profiled samples".format(
                limit[("erbb2_alteration_rate_plausible", "min_pct")],
                limit[("erbb2_alteration_rate_plausible", "max_pct")],
            ),
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeBetween(
                column="erbb2_altered_pct",
                min_value=limit[("erbb2_alteration_rate_plausible", "min_pct")],
                max_value=limit[("erbb2_alteration_rate_plausible", "max_pct")],
            ),
        ),
        _GxCheck(
            "kras_egfr_comutation_plausible", "warn", "erbb2_study_rates",
            "KRAS+EGFR co-mutated share of KRAS- or EGFR-mutant samples at most {:g}% (studies with >= {:g})".format(
                limit[("kras_egfr_comutation_plausible", "max_pct")],
                limit[("kras_egfr_comutation_plausible", "min_driver_positive")],
            ),
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeBetween(
                column="kras_egfr_comutated_pct",
                min_value=0,
                max_value=limit[("kras_egfr_comutation_plausible", "max_pct")],
                row_condition=col("n_kras_or_egfr")
                >= int(limit[("kras_egfr_comutation_plausible", "min_driver_positive")]),
            ),
        ),
        _GxCheck(
            "os_months_non_negative", "error", "patients",
            "os_months >= 0",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeBetween(column="os_months", min_value=0),
        ),
        _GxCheck(
            "os_event_null_when_status_unknown", "error", "patients",
            "os_event is NULL when OS_STATUS is missing or not in seed os_status_codes",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeNull(
                column="os_event", row_condition=col("is_os_status_known") == False,  # noqa: E712
            ),
        ),
        _GxCheck(
            "os_event_has_time", "warn", "patients",
            "a patient with an event has an OS time",
            lambda gx, col: gx.expectations.ExpectColumnValuesToNotBeNull(
                column="os_months", row_condition=col("os_event") == True,  # noqa: E712
            ),
        ),
        _GxCheck(
            "erbb2_prevalence_pct_in_range", "error", "erbb2_prevalence",
            "prevalence pct within 0-100",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeBetween(column="pct", min_value=0, max_value=100),
        ),
        _GxCheck(
            "erbb2_prevalence_altered_within_profiled", "error", "erbb2_prevalence",
            "n_altered <= n_profiled",
            lambda gx, col: gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="n_profiled", column_B="n_altered", or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        _GxCheck(
            "erbb2_prevalence_ci_contains_pct", "error", "erbb2_prevalence",
            "ci_low <= pct",
            lambda gx, col: gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="pct", column_B="ci_low", or_equal=True, ignore_row_if="either_value_is_missing",
            ),
        ),
        _GxCheck(
            "quarantined_rows_named", "warn", "quarantined_rows",
            "no row of any staging *_rejected table (each quarantined row is named here)",
            lambda gx, col: gx.expectations.ExpectColumnValuesToBeNull(column="reject_reason"),
        ),
    ]  # fmt: skip
    return checks


def _gx_failures(
    check: _GxCheck, result: Any, asset_ids: list[str], subject_type: str
) -> list[Failure]:
    """One Failure per unexpected row GX reports (COMPLETE result format)."""
    rows = result.result.get("unexpected_index_list") or []
    column = result.expectation_config.kwargs.get("column") or ", ".join(
        result.expectation_config.kwargs.get("column_list")
        or [
            result.expectation_config.kwargs.get("column_A", ""),
            result.expectation_config.kwargs.get("column_B", ""),
        ]
    )
    subject_key = next((k for k in asset_ids if k != "study_id"), None)
    failures = []
    for row in rows[:MAX_FAILURES_PER_CHECK]:
        if not isinstance(row, dict):
            row = {"row": row}
        study = row.get("study_id")
        subject = row.get(subject_key) if subject_key else study
        kind = subject_type
        if check.asset == "quarantined_rows":
            kind = row.get("subject_type") or "row"
            text = (
                f"study {study}, {kind} {subject}: quarantined in "
                f"staging.{row.get('rejected_table')}: {row.get('reject_reason')} "
                f"({row.get('source_file')} line {row.get('source_line')})"
            )
        else:
            if subject_type == "study":
                who = f"study {study} (all samples)"
            else:
                extra = [
                    f"{k} {row.get(k)}" for k in asset_ids if k not in ("study_id", subject_key)
                ]
                who = f"study {study}, {subject_type} {subject}" + (
                    f" ({', '.join(extra)})" if extra else ""
                )
            values = {k: v for k, v in row.items() if k not in asset_ids}
            shown = ", ".join(f"{k} = {_plain(v)}" for k, v in values.items()) or column
            text = f"{who}: {shown}, expected {check.description}"
        failures.append(
            Failure(
                check=check.check,
                engine=ENGINE_GX,
                severity=check.severity,
                study_id=None if study is None else str(study),
                subject_type=kind,
                subject_id=None if subject is None else str(subject),
                message=f"[{check.check}] {text}",
            )
        )
    return failures


def _plain(value: Any) -> str:
    if hasattr(value, "item"):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def run_gx_suite(
    con: duckdb.DuckDBPyConnection, data_docs_dir: Path | str
) -> tuple[list[CheckResult], list[Failure], Path]:
    """Validate the ERBB2 marts with great-expectations (pandas route, offline) and build the
    HTML Data Docs under ``data_docs_dir``. Returns checks, failing rows and the Data Docs
    index page."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.row_conditions import Column

    data_docs_dir = Path(data_docs_dir).resolve()
    if (data_docs_dir / "index.html").is_file():
        # the previous run's Data Docs: start afresh so the index lists this run only
        shutil.rmtree(data_docs_dir)
    data_docs_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    for site in list(context.get_site_names()):
        context.delete_data_docs_site(site)
    context.add_data_docs_site(
        site_name="her2lung_quality",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(data_docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    datasource = context.data_sources.add_pandas("her2lung_warehouse")

    checks_by_asset: dict[str, list[_GxCheck]] = {}
    for check in _gx_checks(con):
        checks_by_asset.setdefault(check.asset, []).append(check)

    results: list[CheckResult] = []
    failures: list[Failure] = []
    for asset_name, asset_checks in checks_by_asset.items():
        ids, subject_type = _ASSET_IDS[asset_name]
        sql = _quarantine_sql(con) if asset_name == "quarantined_rows" else _ASSET_SQL[asset_name]
        try:
            frame = con.execute(sql).df()
        except duckdb.Error as exc:
            for check in asset_checks:
                results.append(
                    CheckResult(
                        check=check.check, engine=ENGINE_GX, severity=check.severity,
                        status="error", n_failing=None,
                        message=f"[{check.check}] could not read {asset_name}: {exc}",
                        description=check.description, node=f"suite {asset_name}",
                    )
                )  # fmt: skip
            continue
        asset = datasource.add_dataframe_asset(asset_name)
        batch = asset.add_batch_definition_whole_dataframe(f"{asset_name} (whole table)")
        suite = context.suites.add(gx.ExpectationSuite(name=asset_name))
        expectations = []
        for check in asset_checks:
            expectation = check.build(gx, Column)
            expectation.description = f"{check.check} [{check.severity}]: {check.description}"
            expectation.meta = {"check": check.check, "severity": check.severity}
            expectations.append(suite.add_expectation(expectation))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=asset_name, data=batch, suite=suite)
        )
        validation = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ids,
                "partial_unexpected_count": N_EXAMPLES,
            },
        )
        by_check = {
            (outcome.expectation_config.meta or {}).get("check"): outcome
            for outcome in validation.results
        }
        for check in asset_checks:
            outcome = by_check.get(check.check)
            if outcome is None:
                results.append(
                    CheckResult(
                        check=check.check, engine=ENGINE_GX, severity=check.severity,
                        status="error", n_failing=None,
                        message=f"[{check.check}] GX returned no result", node=f"suite {asset_name}",
                        description=check.description,
                    )
                )  # fmt: skip
                continue
            exception = (outcome.exception_info or {}).get("raised_exception")
            if exception:
                message = (outcome.exception_info or {}).get("exception_message", "")
                results.append(
                    CheckResult(
                        check=check.check, engine=ENGINE_GX, severity=check.severity,
                        status="error", n_failing=None,
                        message=f"[{check.check}] GX could not evaluate it: {message}",
                        description=check.description, node=f"suite {asset_name}",
                    )
                )  # fmt: skip
                continue
            found = [] if outcome.success else _gx_failures(check, outcome, ids, subject_type)
            failures.extend(found)
            n_failing = 0 if outcome.success else outcome.result.get("unexpected_count", len(found))
            results.append(
                CheckResult(
                    check=check.check,
                    engine=ENGINE_GX,
                    severity=check.severity,
                    status="pass" if outcome.success else "fail",
                    n_failing=None if n_failing is None else int(n_failing),
                    example_ids=tuple(
                        dict.fromkeys(_example_id(f.study_id, f.subject_id) for f in found)
                    )[:N_EXAMPLES],
                    message=found[0].message if found else "",
                    description=check.description,
                    node=f"suite {asset_name}",
                )
            )
    context.build_data_docs(site_names=["her2lung_quality"])
    return results, failures, data_docs_dir / "index.html"


# ------------------------------------------------------------------------------- outputs


def _checks_frame(checks: Iterable[CheckResult], run_at: dt.datetime) -> pd.DataFrame:
    rows = [
        {
            "check": c.check,
            "engine": c.engine,
            "severity": c.severity,
            "status": c.status,
            "n_failing": c.n_failing,
            "example_ids": ", ".join(c.example_ids),
            "message": c.message,
            "run_at": run_at,
        }
        for c in checks
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "check",
            "engine",
            "severity",
            "status",
            "n_failing",
            "example_ids",
            "message",
            "run_at",
        ],
    )
    frame["n_failing"] = frame["n_failing"].astype("Int64")
    return frame


def write_results_table(con: duckdb.DuckDBPyConnection, report: QualityReport) -> None:
    """Replace quality.check_results and quality.check_failures with this run's results."""
    checks = report.frame()
    failures = pd.DataFrame(
        [asdict(f) for f in report.failures],
        columns=[
            "check",
            "engine",
            "severity",
            "study_id",
            "subject_type",
            "subject_id",
            "message",
        ],
    )
    failures["run_at"] = report.run_at
    con.execute("create schema if not exists quality")
    con.register("her2lung_check_results", checks)
    con.register("her2lung_check_failures", failures)
    try:
        con.execute(
            """
            create or replace table quality.check_results as
            select
                cast("check" as varchar) as "check",
                cast(engine as varchar) as engine,
                cast(severity as varchar) as severity,
                cast(status as varchar) as status,
                cast(n_failing as bigint) as n_failing,
                cast(example_ids as varchar) as example_ids,
                cast(message as varchar) as message,
                cast(run_at as timestamp) as run_at
            from her2lung_check_results
            """
        )
        con.execute(
            """
            create or replace table quality.check_failures as
            select
                cast("check" as varchar) as "check",
                cast(engine as varchar) as engine,
                cast(severity as varchar) as severity,
                cast(study_id as varchar) as study_id,
                cast(subject_type as varchar) as subject_type,
                cast(subject_id as varchar) as subject_id,
                cast(message as varchar) as message,
                cast(run_at as timestamp) as run_at
            from her2lung_check_failures
            """
        )
        con.execute(
            "comment on table quality.check_results is 'One row per data-quality check and engine "
            "(dbt, great_expectations) of the last her2lung validate run; see docs/quality.md'"
        )
        con.execute(
            "comment on table quality.check_failures is 'One row per failing record of a check "
            "(up to 1000 per check) of the last her2lung validate run, with its message'"
        )
    finally:
        con.unregister("her2lung_check_results")
        con.unregister("her2lung_check_failures")


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_report_files(report: QualityReport, out_dir: Path | str) -> tuple[Path, Path]:
    """check_results.json and report.html (both engines; links the GX Data Docs)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "check_results.json"
    html_path = out / "report.html"
    payload = {
        "warehouse": str(report.db_path),
        "run_at": report.run_at.isoformat(timespec="seconds"),
        "ok": report.ok,
        "counts": report.counts(),
        "data_docs": str(report.data_docs_index) if report.data_docs_index else None,
        "checks": [asdict(c) for c in report.checks],
        "failures": [asdict(f) for f in report.failures],
    }
    json_path.write_text(json.dumps(payload, indent=2, default=_json_default))
    html_path.write_text(_render_html(report, out))
    return json_path, html_path


_STATUS_COLOUR = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#8250df", "skipped": "#6e7781"}


def _render_html(report: QualityReport, out: Path) -> str:
    esc = html.escape
    counts = report.counts()
    verdict = "PASSED" if report.ok else "FAILED"
    rows = []
    for c in sorted(
        report.checks,
        key=lambda c: (
            c.status == "pass",
            c.severity != "error",
            not c.is_quality_suite,
            c.check,
            c.engine,
        ),
    ):
        colour = _STATUS_COLOUR.get(c.status, "#000")
        status = c.status if c.status != "fail" else f"fail ({c.severity})"
        rows.append(
            "<tr>"
            f"<td>{esc(c.check)}</td><td>{esc(c.engine)}</td><td>{esc(c.severity)}</td>"
            f'<td style="color:{colour};font-weight:bold">{esc(status)}</td>'
            f"<td>{'' if c.n_failing is None else c.n_failing}</td>"
            f"<td>{esc(', '.join(c.example_ids))}</td><td>{esc(c.message)}</td>"
            f"<td>{esc(c.description)}</td></tr>"
        )
    failure_rows = [
        f"<tr><td>{esc(f.check)}</td><td>{esc(f.engine)}</td><td>{esc(f.severity)}</td>"
        f"<td>{esc(f.message)}</td></tr>"
        for f in report.failures
    ]
    docs = ""
    if report.data_docs_index and report.data_docs_index.exists():
        try:
            link = report.data_docs_index.relative_to(out.resolve())
        except ValueError:
            link = report.data_docs_index
        docs = (
            f'<p>great-expectations Data Docs: <a href="{esc(str(link))}">{esc(str(link))}</a></p>'
        )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>her2lung data quality: {verdict}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
td, th {{ border: 1px solid #d0d7de; padding: 4px 6px; vertical-align: top; text-align: left; }}
th {{ background: #f6f8fa; }}
</style></head><body>
<h1>her2lung data quality: {verdict}</h1>
<p>Warehouse <code>{esc(str(report.db_path))}</code>, checked {esc(report.run_at.isoformat(timespec="seconds"))}.
{counts["pass"]} passed, {counts["fail_error"]} failed (error), {counts["fail_warn"]} failed (warn),
{counts["error"]} could not run, {counts["skipped"]} skipped.
Error-severity failures block the build; warnings are for reading.</p>
{docs}
<h2>Checks</h2>
<table><tr><th>check</th><th>engine</th><th>severity</th><th>status</th><th>n_failing</th>
<th>example ids</th><th>first message</th><th>rule</th></tr>
{"".join(rows)}
</table>
<h2>Failing records ({len(report.failures)})</h2>
<table><tr><th>check</th><th>engine</th><th>severity</th><th>message</th></tr>
{"".join(failure_rows)}
</table>
</body></html>
"""


# ------------------------------------------------------------------------------ validate


def validate(
    db_path: Path | str,
    *,
    run_results: dict | None,
    manifest: dict | None,
    out_dir: Path | str | None = None,
    run_gx: bool = True,
    write_table: bool = True,
) -> QualityReport:
    """Run the quality suite on a built warehouse file and record the results.

    ``run_results`` / ``manifest``: dbt's artifacts of the build (or ``dbt test``) of this
    file; None leaves the dbt half out. The JSON/HTML report is written first, so it survives
    a warehouse that cannot be opened for writing; then quality.check_results and
    quality.check_failures are replaced in ``db_path`` (unless ``write_table`` is False).
    """
    started = dt.datetime.now()
    db_path = Path(db_path).resolve()
    out = Path(out_dir).resolve() if out_dir is not None else default_quality_dir(db_path)
    report = QualityReport(db_path=db_path, out_dir=out, run_at=started.replace(microsecond=0))
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        if run_results is not None and manifest is not None:
            checks, failures = dbt_check_results(run_results, manifest, con)
            report.checks += checks
            report.failures += failures
        if run_gx:
            checks, failures, index = run_gx_suite(con, out / "data_docs")
            report.checks += checks
            report.failures += failures
            report.data_docs_index = index
    finally:
        con.close()
    report.json_path, report.html_path = write_report_files(report, out)
    if write_table:
        con = duckdb.connect(str(db_path))
        try:
            write_results_table(con, report)
            report.table_written = True
        finally:
            con.close()
    report.seconds = (dt.datetime.now() - started).total_seconds()
    write_report_files(report, out)  # again, with the final state (table written, duration)
    return report
