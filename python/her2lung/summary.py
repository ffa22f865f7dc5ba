"""Read-only summaries of a built warehouse, for the CLI and the report."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

REJECTED_TABLES = (
    "stg_cbioportal__patients_rejected",
    "stg_cbioportal__samples_rejected",
    "stg_cbioportal__mutations_rejected",
    "stg_cbioportal__copy_number_alterations_rejected",
    "stg_cbioportal__structural_variants_rejected",
    "stg_cbioportal__gene_panels_rejected",
    "stg_cbioportal__gene_panel_genes_rejected",
    "stg_cbioportal__case_lists_rejected",
    "stg_cbioportal__mrna_expression_rejected",
    "stg_cbioportal__protein_levels_rejected",
)


def connect_read_only(db_path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only (what BI tools and shells should do too): a DuckDB file, or
    a folder of Parquet tables built by Spark (``her2lung build --target spark``), read through
    DuckDB views named ``<schema>.<table>`` as in the file."""
    if Path(db_path).is_dir():
        from her2lung.spark import open_parquet_warehouse

        return open_parquet_warehouse(db_path)
    return duckdb.connect(str(db_path), read_only=True)


def study_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Patients, samples and alteration rows per study."""
    return con.sql(
        """
        select
            s.study_id,
            (select count(*) from marts.dim_patients p where p.study_id = s.study_id) as patients,
            count(*) as samples,
            sum(case when s.is_luad then 1 else 0 end) as luad_samples,
            (select count(*) from marts.fct_alterations a where a.study_id = s.study_id) as alterations
        from marts.dim_samples s
        group by s.study_id
        order by s.study_id
        """
    ).df()


def rejected_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Quarantined rows per staged table and reason (reasons cut to their leading words)."""
    parts = []
    for table in REJECTED_TABLES:
        parts.append(
            f"select '{table.removesuffix('_rejected').removeprefix('stg_cbioportal__')}' as entity, "
            f"study_id, regexp_replace(reject_reason, '''[^'']*''', '''…''', 'g') as reason "
            f"from staging.{table}"
        )
    sql = " union all ".join(parts)
    return con.sql(
        f"select entity, study_id, reason, count(*) as n_rows from ({sql}) "
        "group by all order by entity, study_id, n_rows desc"
    ).df()


def prevalence_table(con: duckdb.DuckDBPyConnection, unit: str = "patient") -> pd.DataFrame:
    """ERBB2 prevalence by driver cohort, pooled over studies."""
    return con.execute(
        """
        select driver_cohort, alteration, n_profiled, n_altered,
               round(pct, 2) as pct, round(ci_low, 2) as ci_low, round(ci_high, 2) as ci_high
        from marts.erbb2_prevalence
        where unit = ? and study_id = 'ALL'
        order by case driver_cohort when 'ALL' then 0 when 'KRAS' then 1 when 'EGFR' then 2
                 when 'ALK' then 3 when 'multiple' then 4 else 5 end, alteration
        """,
        [unit],
    ).df()
