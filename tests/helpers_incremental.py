"""What the incremental-refresh tests share (test_incremental.py, test_incremental_panels.py):
dbt builds without the tests, the compiled SQL of the models built by study, study ids."""

from __future__ import annotations

from pathlib import Path

import duckdb

from her2lung.warehouse import run_dbt

# what `dbt build` does but the tests
NO_TESTS = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
RAW_LINE_MODELS = ("mutations", "clinical_sample", "cna_discrete", "gene_panel_matrix")


def dbt_build(args: list[str], studies: Path, db: Path, target: Path) -> None:
    result = run_dbt(args, studies_dir=studies, db_path=db, target_path=target)
    assert result.ok, result.stdout[-4000:] + str(result.failures())


def compiled_raw(target: Path, model: str) -> str:
    return (target / "compiled" / "her2lung" / "models" / "raw" / f"{model}.sql").read_text()


# models built by study, by path under models/
BY_STUDY = {
    "base_cbioportal__samples": "staging/cbioportal/base",
    "base_cbioportal__patients": "staging/cbioportal/base",
    "base_cbioportal__gene_panels": "staging/cbioportal/base",
    "base_cbioportal__mutations": "staging/cbioportal/base",
    "stg_cbioportal__samples": "staging/cbioportal",
    "stg_cbioportal__samples_rejected": "staging/cbioportal",
    "stg_cbioportal__patients": "staging/cbioportal",
    "stg_cbioportal__patients_rejected": "staging/cbioportal",
    "stg_cbioportal__gene_panels": "staging/cbioportal",
    "stg_cbioportal__gene_panels_rejected": "staging/cbioportal",
    "stg_cbioportal__cna_genes": "staging/cbioportal",
    "stg_cbioportal__cna_samples": "staging/cbioportal",
    "stg_cbioportal__copy_number_alterations": "staging/cbioportal",
    "stg_cbioportal__case_lists": "staging/cbioportal",
    "stg_cbioportal__case_lists_rejected": "staging/cbioportal",
    "stg_cbioportal__mutations": "staging/cbioportal",
    "stg_cbioportal__mutations_rejected": "staging/cbioportal",
    "stg_cbioportal__copy_number_alterations_rejected": "staging/cbioportal",
    "stg_cbioportal__mrna_expression": "staging/cbioportal",
    "stg_cbioportal__mrna_expression_rejected": "staging/cbioportal",
    "stg_cbioportal__protein_levels": "staging/cbioportal",
    "stg_cbioportal__protein_levels_rejected": "staging/cbioportal",
    "fct_alterations": "marts/core",
    "fct_gene_profiling": "marts/core",
    "dim_samples": "marts/core",
    "dim_patients": "marts/core",
    "fct_sample_genomics": "marts/cohorts",
    "fct_patient_genomics": "marts/cohorts",
    "int_samples__genomics": "intermediate",
    "int_samples__gene_status": "intermediate",
    "int_erbb2_cooccurrence__study_counts": "intermediate",
    "qa_erbb2_raw_mutations": "quality",
    "qa_erbb2_provenance": "quality",
    "qa_erbb2_gene_identity": "quality",
}


def compiled_model(target: Path, model: str) -> str:
    path = target / "compiled" / "her2lung" / "models" / BY_STUDY[model] / f"{model}.sql"
    return path.read_text()


def fetch_all(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of a query on a warehouse file, opened read-only and closed again."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def study_ids(db: Path) -> dict[str, str]:
    """study folder -> study id."""
    return dict(
        fetch_all(
            db,
            "select study_folder, meta_value from raw.raw_cbioportal__meta_lines "
            "where meta_key = 'cancer_study_identifier'",
        )
    )


def rows_by_folder(db: Path, table: str) -> dict[str, int]:
    return dict(
        fetch_all(
            db, f"select split_part(source_file, '/', 1), count(*) from raw.{table} group by 1"
        )
    )


def verified_studies(db: Path) -> dict[str, set[str]]:
    """model -> the studies its data tests have passed on (raw_cbioportal__built_studies)."""
    out: dict[str, set[str]] = {}
    for model, study in fetch_all(
        db,
        "select model_name, study_id from raw.raw_cbioportal__built_studies "
        "where is_built and is_verified",
    ):
        out.setdefault(model, set()).add(study)
    return out
