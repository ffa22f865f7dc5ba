"""The BI dashboard (bi/, issue 9) rendered in headless Chromium: the numbers on the page equal
the marts of the published warehouse it was built from.

The dashboard is built by its documented command (`python bi/build.py --db ...`), opened from
disk in headless Chromium, and the DOM after its scripts ran is compared with queries on the
warehouse (opened read-only): build id, cohort sizes, ERBB2 prevalence with CIs, and the
Kaplan-Meier groups; the charts must have been drawn. A warehouse without analysis.km_curves
gives a page that says the KM chart is left out.

Needs Debian's `chromium` (apt-get install chromium chromium-driver) and bi/node_modules
(chart.js; bi/build.py runs `npm ci` when it is missing).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from test_publish import published_demo

from her2lung.warehouse import project_dir

BI = project_dir() / "bi"
CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (Debian: apt-get install chromium chromium-driver)",
)


class Dom(HTMLParser):
    """The parts of the rendered page the test reads: element text by id, table rows by
    table id, attributes by id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.attrs: dict[str, dict[str, str]] = {}
        self.text: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._open_ids: list[tuple[str, str]] = []  # (tag, id) of elements being read
        self._table: str | None = None
        self._in_body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if "id" in attrs:
            self.attrs[attrs["id"]] = attrs
            self._open_ids.append((tag, attrs["id"]))
            self.text.setdefault(attrs["id"], "")
            if tag == "table":
                self._table = attrs["id"]
                self.tables[self._table] = []
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        for _, element_id in self._open_ids:
            self.text[element_id] += data


def build_dashboard(db: Path, out: Path) -> Path:
    result = subprocess.run(
        [sys.executable, str(BI / "build.py"), "--db", str(db), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "index.html"


def chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def render(index: Path) -> Dom:
    result = chromium("--virtual-time-budget=10000", "--dump-dom", index.as_uri())
    assert result.returncode == 0 and "<body" in result.stdout, result.stderr[-2000:]
    return Dom(result.stdout)


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def close(shown: str, value: float | None) -> bool:
    if value is None:
        return shown == ""
    return abs(float(shown) - value) <= 0.005 + 1e-9


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    demo = published_demo(tmp_path_factory)
    db = tmp_path_factory.mktemp("bi") / demo.db.name
    shutil.copyfile(demo.db, db)
    return db


@pytest.fixture(scope="module")
def page(warehouse, tmp_path_factory) -> tuple[Dom, Path]:
    out = tmp_path_factory.mktemp("bi_build")
    index = build_dashboard(warehouse, out)
    return render(index), index


def test_page_rendered_and_shows_the_published_build(page, warehouse) -> None:
    dom, _ = page
    assert dom.attrs["her2lung-data"] is not None
    [(build_id,)] = query(warehouse, "select build_id from meta.build_info")
    assert dom.text["build-id"].strip() == build_id
    for chart in ("chart-cohorts-box", "chart-prevalence-box", "chart-km-box"):
        assert dom.attrs[chart].get("data-rendered") == "true", chart


def test_cohort_sizes_equal_the_marts(page, warehouse) -> None:
    dom, _ = page
    expected = query(
        warehouse,
        "select coalesce(driver_cohort, 'unknown'), count(*), "
        "count(*) filter (where is_erbb2_mutation_profiled), "
        "count(*) filter (where is_erbb2_cna_profiled) "
        "from marts.fct_patient_genomics where is_luad group by 1",
    )
    shown = {row[0]: tuple(int(x) for x in row[1:]) for row in dom.tables["cohort-table"]}
    assert shown == {row[0]: tuple(row[1:]) for row in expected}
    assert dom.attrs["chart-cohorts-box"]["data-points"] == str(len(expected))


def test_prevalence_with_cis_equals_the_marts(page, warehouse) -> None:
    dom, _ = page
    expected = query(
        warehouse,
        "select driver_cohort, alteration, n_altered, n_profiled, pct, ci_low, ci_high "
        "from marts.erbb2_prevalence where unit = 'patient' and study_id = 'ALL'",
    )
    shown = {(r[0], r[1]): r[2:] for r in dom.tables["prevalence-table"]}
    assert len(shown) == len(expected) == len(dom.tables["prevalence-table"])
    for cohort, alteration, n_altered, n_profiled, pct, ci_low, ci_high in expected:
        cells = shown[(cohort, alteration)]
        assert (int(cells[0]), int(cells[1])) == (n_altered, n_profiled), (cohort, alteration)
        for got, want in zip(cells[2:], (pct, ci_low, ci_high), strict=True):
            assert close(got, want), (cohort, alteration, got, want)
    n_any = sum(1 for r in expected if r[1] == "mutation_or_amplification")
    assert dom.attrs["chart-prevalence-box"]["data-points"] == str(n_any)


def test_kaplan_meier_groups_equal_the_analysis_tables(page, warehouse) -> None:
    dom, _ = page
    expected = query(
        warehouse,
        "select group_label, n, n_events, median_months from analysis.km_medians "
        "where comparison = 'erbb2_altered_all'",
    )
    shown = {r[0]: r[1:] for r in dom.tables["km-table"]}
    assert set(shown) == {r[0] for r in expected}
    for group, n, n_events, median in expected:
        assert (int(shown[group][0]), int(shown[group][1])) == (n, n_events)
        assert (
            shown[group][2] == "not reached" if median is None else close(shown[group][2], median)
        )
    [(n_points,)] = query(
        warehouse,
        "select count(*) from analysis.km_curves where comparison = 'erbb2_altered_all'",
    )
    assert dom.attrs["chart-km-box"]["data-points"] == str(n_points)
    assert "hidden" in dom.attrs["km-missing"]


def test_screenshot(page, tmp_path) -> None:
    _, index = page
    shot = tmp_path / "dashboard.png"
    result = chromium("--window-size=1280,2600", f"--screenshot={shot}", index.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 20_000


def test_without_km_curves_the_chart_is_left_out(warehouse, tmp_path) -> None:
    db = tmp_path / warehouse.name
    shutil.copyfile(warehouse, db)
    con = duckdb.connect(str(db))
    con.execute("drop table analysis.km_curves")
    con.close()
    dom = render(build_dashboard(db, tmp_path / "build"))
    assert "hidden" not in dom.attrs["km-missing"]
    assert "analysis.km_curves" in dom.text["km-missing"]
    assert "hidden" in dom.attrs["km-present"]
    assert dom.attrs["chart-km-box"].get("data-rendered") is None
    assert dom.tables["prevalence-table"]  # the rest still renders
