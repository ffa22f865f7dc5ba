"""`her2lung report`: the self-contained HTML report of a built warehouse.

Renders the report from the demo build shared with tests/test_survival_warehouse.py and checks
that its key numbers (read independently from the warehouse) appear in the HTML, that the
figures are PNGs both inlined and saved, and that provenance and data quality are reported.
"""

from __future__ import annotations

import base64
import hashlib
import re

import duckdb
import pandas as pd
import pytest
from test_survival_warehouse import demo_warehouse

from her2lung import cli, report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def written(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return report.write_report(warehouse.db_path, out)


@pytest.fixture(scope="module")
def html(written) -> str:
    return written.html_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def con(warehouse):
    connection = duckdb.connect(str(warehouse.db_path), read_only=True)
    yield connection
    connection.close()


# ----------------------------------------------------------------------------- key numbers


def test_prevalence_with_ci_appears(html, con):
    row = (
        con.sql(
            "select * from marts.erbb2_prevalence where unit = 'patient' and study_id = 'ALL' "
            "and driver_cohort = 'ALL' and alteration = 'mutation_or_amplification'"
        )
        .df()
        .iloc[0]
    )
    expected = f"{row['pct']:.1f}% ({row['ci_low']:.1f}\u2013{row['ci_high']:.1f})"
    assert expected in html
    assert f"{row['n_altered']:,} / {row['n_profiled']:,}" in html


def test_km_medians_and_logrank_appear(html, con):
    medians = con.sql(
        "select * from analysis.km_medians where comparison = 'erbb2_expression_by_smoking'"
    ).df()
    assert len(medians) == 4
    for row in medians.itertuples():
        assert row.group_label in html
        expected = f"{row.median_months:.1f} ({row.ci_low:.1f}\u2013{row.ci_high:.1f})"
        assert expected in html, row.group_label
    test = (
        con.sql("select * from analysis.logrank where comparison = 'erbb2_expression_by_smoking'")
        .df()
        .iloc[0]
    )
    assert f"p = {report.fmt_p(test['p_value'])}" in html
    assert f"= {test['statistic']:.2f}, df = {int(test['df'])}" in html


def test_underpowered_comparison_shows_no_p_value(html):
    section = html[html.index('id="cmp-erbb2_altered_kras"') :]
    section = section[: section.index('class="comparison"', 10)]
    assert "log-rank not tested: a group has &lt; 10 patients" in section
    assert "underpowered" in section


def test_cox_hazard_ratio_appears(html, con):
    row = (
        con.sql(
            "select * from analysis.cox where comparison = 'erbb2_expression_never_smokers' "
            "and model = 'unadjusted'"
        )
        .df()
        .iloc[0]
    )
    assert report.fmt_ci(row["hazard_ratio"], row["ci_low"], row["ci_high"]) in html


def test_sections_present(html):
    for heading in (
        "Study summary",
        "Cohort sizes",
        "ERBB2 prevalence",
        "Co-occurrence with ERBB2 alterations",
        "Overall survival by comparison",
        "Cox hazard ratios",
        "Data quality",
        "Provenance",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "her2lung_demo_luad" in html


# ----------------------------------------------------------------------------- figures


def test_figures_are_inline_and_saved(written, html, con):
    comparisons = con.sql("select distinct comparison from analysis.km_curves").df()["comparison"]
    names = {path.name for path in written.figure_paths}
    assert {f"km_{name}.png" for name in comparisons} <= names
    assert "cox_forest.png" in names
    inline = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(inline) == len(written.figure_paths)
    saved = {path.read_bytes() for path in written.figure_paths}
    for data in inline:
        png = base64.b64decode(data)
        assert png.startswith(PNG_MAGIC)
        assert png in saved
    # Self-contained: nothing fetched from elsewhere.
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_numbers_at_risk_from_curve_rows():
    curve = pd.DataFrame(
        {"time_months": [0.0, 2.0, 5.0, 9.0], "n_at_risk": [10, 10, 6, 2], "n_events": [0, 3, 1, 2]}
    )
    assert report.numbers_at_risk(curve, [0, 1, 2, 3, 9, 10]) == [10, 10, 10, 6, 2, 0]


def test_formatting_of_missing_and_not_reached():
    assert report.fmt_median(float("nan"), float("nan"), float("nan"), 3) == "not reached"
    assert report.fmt_median(float("nan"), 12.04, float("nan"), 30).startswith("not reached")
    assert report.fmt_median(float("nan"), float("nan"), float("nan"), 0) == "no patients"
    assert report.fmt_median(14.9, 4.33, float("nan")) == "14.9 (4.3\u2013NR)"
    assert report.fmt_p(0.000182) == "0.00018"
    assert report.fmt_p(3.9e-17) == "3.9e-17"
    assert report.fmt_p(None) == "\u2013"


# ----------------------------------------------------------------------------- provenance


def test_provenance_checksums_and_quality(written, html, warehouse):
    assert written.studies_dir == warehouse.studies_dir.resolve()
    assert written.missing_files == ()
    data_file = warehouse.studies_dir / "her2lung_demo_luad" / "data_clinical_patient.txt"
    assert hashlib.sha256(data_file.read_bytes()).hexdigest() in html
    assert "lifelines" in html and "dbt-duckdb" in html
    with duckdb.connect(str(warehouse.db_path), read_only=True) as con:
        has_quality = bool(
            con.sql(
                "select count(*) from information_schema.tables "
                "where table_schema = 'quality' and table_name = 'check_results'"
            ).fetchone()[0]
        )
        rejected = sum(
            con.sql(f"select count(*) from staging.{table}").fetchone()[0]
            for table in report.summary.REJECTED_TABLES
        )
    if not has_quality:
        assert "Quality checks were not run" in html
    assert rejected > 0
    assert f"{rejected:,} source row(s) were quarantined" in html


def test_cli_report_with_a_moved_studies_folder(warehouse, tmp_path, capsys):
    """`her2lung report` prints the report's path; data files that cannot be found (the studies
    folder moved) are listed as not checksummed, in the HTML and on stderr."""
    out = tmp_path / "cli"
    args = ["report", "--db", str(warehouse.db_path), "--out", str(out)]
    assert cli.main([*args, "--studies", str(tmp_path / "moved")]) == 0
    printed = capsys.readouterr()
    assert f"report: {(out / 'report.html').resolve()}" in printed.out
    assert "not found under" in printed.err
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "were not found under" in html
    assert "file not found" in html


def test_cli_report_without_warehouse(tmp_path, capsys):
    code = cli.main(["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)])
    assert code == 2
    assert "no warehouse" in capsys.readouterr().err
