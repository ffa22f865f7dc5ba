"""Self-contained HTML report of a built warehouse (`her2lung report`).

:func:`write_report` opens the warehouse read-only, reads the marts and the survival results in
schema ``analysis``, draws the figures with matplotlib's object API (Agg canvas, no pyplot
state), saves them as PNG files beside the report and inlines the same PNGs as base64, so the
HTML file can be mailed or archived on its own.

Sections: study summary, cohort sizes, ERBB2 prevalence with exact 95% CIs, co-occurrence,
survival (Kaplan-Meier plots with numbers at risk, medians, log-rank, Cox models, forest plot),
data quality (``quality.check_results`` when present, quarantined rows, load problems) and
provenance (build, studies and file checksums, row counts, package versions).

Nothing is printed; the CLI prints the path :func:`write_report` returns.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import math
import platform
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from her2lung import summary

__all__ = [
    "PACKAGES",
    "Report",
    "fmt_ci",
    "fmt_median",
    "fmt_p",
    "fmt_pct_ci",
    "numbers_at_risk",
    "plot_forest",
    "plot_km",
    "write_report",
]

#: Distributions whose versions the provenance block lists.
PACKAGES = (
    "her2lung",
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "lifelines",
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "great-expectations",
)

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_ALTERATIONS = (
    ("mutation", "Mutation"),
    ("amplification", "Amplification"),
    ("mutation_or_amplification", "Mutation or amplification"),
    ("mutation_and_amplification", "Both"),
)
_COHORT_ORDER = {"ALL": 0, "KRAS": 1, "EGFR": 2, "ALK": 3, "multiple": 4, "other": 5}
_DASH = "\u2013"
_HR_TICKS = (0.01, 0.03, 0.1, 0.25, 0.5, 1, 2, 4, 10, 30, 100)
_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote: the HTML file and the PNG figures beside it."""

    html_path: Path
    figure_paths: tuple[Path, ...]
    studies_dir: Path | None
    missing_files: tuple[str, ...] = ()


# --------------------------------------------------------------------------- formatting


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_int(value: object) -> str:
    """1234 -> '1,234'; missing -> an en dash."""
    return _DASH if _is_missing(value) else f"{int(value):,}"


def fmt_num(value: object, digits: int = 2) -> str:
    """A float with `digits` decimals; missing -> an en dash."""
    return _DASH if _is_missing(value) else f"{float(value):.{digits}f}"


def fmt_p(value: object) -> str:
    """A p-value with two significant digits (scientific below 1e-4); missing -> en dash."""
    if _is_missing(value):
        return _DASH
    p = float(value)
    if p < 1e-4:
        return f"{p:.1e}"
    return f"{p:.2g}"


def fmt_ci(estimate: object, low: object, high: object, digits: int = 2) -> str:
    """'2.01 (1.27–3.17)'; missing -> en dash; an open CI bound -> 'NR'."""
    if _is_missing(estimate):
        return _DASH
    bounds = [("NR" if _is_missing(b) else f"{float(b):.{digits}f}") for b in (low, high)]
    return f"{float(estimate):.{digits}f} ({bounds[0]}{_DASH}{bounds[1]})"


def fmt_median(median: object, low: object, high: object, n: object = None) -> str:
    """KM median months with CI; 'not reached' when the curve stays above 0.5."""
    if _is_missing(median):
        if n is not None and not _is_missing(n) and int(n) == 0:
            return "no patients"
        if _is_missing(low):
            return "not reached"
        return f"not reached (95% CI {float(low):.1f}{_DASH}NR)"
    return fmt_ci(median, low, high, digits=1)


def fmt_pct_ci(pct: object, low: object, high: object) -> str:
    """'1.9% (1.2–2.8)'."""
    if _is_missing(pct):
        return _DASH
    return f"{float(pct):.1f}% ({float(low):.1f}{_DASH}{float(high):.1f})"


def _display(value: object) -> object:
    """A warehouse value for the provenance block: timestamps to the second, missing -> ''."""
    if _is_missing(value):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "figure"


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A table for the template: header labels, rows of cell strings or Markup, numeric columns."""

    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numeric: frozenset[int] = frozenset()
    caption: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows


def _table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str | Callable[[pd.Series], object]]],
    numeric: Iterable[str] = (),
    caption: str = "",
) -> Table:
    """Format `frame` as a :class:`Table`: columns are (header, column name or row -> cell)."""
    numeric = set(numeric)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for _header, source in columns:
            value = source(row) if callable(source) else row[source]
            if isinstance(value, Markup):
                cells.append(value)
            elif _is_missing(value):
                cells.append(_DASH)
            elif isinstance(value, (bool, np.bool_)):
                cells.append("yes" if value else "no")
            elif isinstance(value, (int, np.integer)):
                cells.append(fmt_int(value))
            elif isinstance(value, (float, np.floating)):
                cells.append(fmt_num(value))
            else:
                cells.append(str(value))
        rows.append(tuple(cells))
    headers = tuple(header for header, _ in columns)
    numeric_idx = frozenset(i for i, header in enumerate(headers) if header in numeric)
    return Table(headers, tuple(rows), numeric_idx, caption)


# --------------------------------------------------------------------------- warehouse reads


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    return {f"{schema}.{name}" for schema, name in rows}


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _one_row(con: duckdb.DuckDBPyConnection, tables: set[str], table: str) -> dict[str, object]:
    if table not in tables:
        return {}
    frame = _df(con, f"select * from {table}")
    return {} if frame.empty else frame.iloc[0].to_dict()


def _population_filter(population: str) -> str:
    return "is_nsclc" if population == "nsclc" else "is_luad"


def _cohort_sizes(con: duckdb.DuckDBPyConnection, population: str) -> pd.DataFrame:
    where = _population_filter(population)
    frame = _df(
        con,
        f"""
        select
            coalesce(driver_cohort, 'unknown') as driver_cohort,
            count(*) as patients,
            count(has_erbb2_alteration) as erbb2_profiled,
            count(*) filter (where has_erbb2_alteration) as erbb2_altered,
            count(erbb2_expression_z) as with_expression,
            count(*) filter (where has_erbb2_high_expression) as erbb2_high,
            count(*) filter (where os_event is not null and os_months is not null) as known_os,
            count(*) filter (where os_event) as deaths
        from marts.fct_patient_genomics
        where {where}
        group by all
        """,
    )
    frame["_order"] = frame["driver_cohort"].map(_COHORT_ORDER).fillna(9)
    frame = frame.sort_values(["_order", "driver_cohort"]).drop(columns="_order")
    totals = frame.drop(columns="driver_cohort").sum().to_dict()
    totals["driver_cohort"] = "all patients"
    return pd.concat([frame, pd.DataFrame([totals])], ignore_index=True)


def _file_provenance(
    con: duckdb.DuckDBPyConnection, tables: set[str], studies_dir: Path | None
) -> tuple[pd.DataFrame, list[str]]:
    """Declared data files with size, sha256 and data lines landed; and files not found."""
    if "raw.raw_cbioportal__data_files" not in tables:
        return pd.DataFrame(), []
    files = _df(
        con,
        """
        select study_id, source_file, data_kind, is_present
        from raw.raw_cbioportal__data_files
        order by study_id, source_file
        """,
    )
    line_tables = _df(
        con,
        """
        select table_name from information_schema.columns
        where table_schema = 'raw' and column_name = 'line_kind'
        order by table_name
        """,
    )["table_name"].tolist()
    if line_tables:
        union = " union all ".join(
            f"select source_file, count(*) filter (where line_kind = 'data') as n "
            f"from raw.{name} group by source_file"
            for name in line_tables
        )
        lines = _df(con, f"select source_file, sum(n) as data_lines from ({union}) group by all")
        files = files.merge(lines, on="source_file", how="left")
    else:
        files["data_lines"] = np.nan
    sizes, digests, missing = [], [], []
    for source_file in files["source_file"]:
        path = studies_dir / source_file if studies_dir is not None else None
        if path is not None and path.is_file():
            sizes.append(path.stat().st_size)
            digests.append(_sha256(path))
        else:
            sizes.append(np.nan)
            digests.append(None)
            missing.append(source_file)
    files["size_bytes"] = pd.array(sizes, dtype="Int64")
    files["data_lines"] = files["data_lines"].astype("Int64")
    files["sha256"] = digests
    return files, missing


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _row_counts(con: duckdb.DuckDBPyConnection, tables: set[str]) -> pd.DataFrame:
    rows = []
    order = {
        "reference": 0,
        "raw": 1,
        "staging": 2,
        "intermediate": 3,
        "marts": 4,
        "analysis": 5,
        "quality": 6,
        "meta": 7,
    }
    for qualified in sorted(tables, key=lambda t: (order.get(t.split(".")[0], 9), t)):
        schema, name = qualified.split(".", 1)
        if schema not in order:
            continue
        (n,) = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
        rows.append({"schema": schema, "table": name, "rows": n})
    return pd.DataFrame(rows, columns=["schema", "table", "rows"])


def _package_versions() -> pd.DataFrame:
    rows = [{"package": "python", "version": platform.python_version()}]
    for name in PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "not installed"
        rows.append({"package": name, "version": version})
    return pd.DataFrame(rows)


def _resolve_studies_dir(explicit: Path | str | None, *recorded: object) -> Path | None:
    """The explicit folder, else the first folder the warehouse recorded (relative paths are
    relative to the dbt project, where dbt ran)."""
    if explicit is not None:
        return Path(explicit)
    for value in recorded:
        if value is None or _is_missing(value) or not str(value):
            continue
        path = Path(str(value))
        if not path.is_absolute():
            from her2lung.warehouse import project_dir

            path = project_dir() / path
        return path
    return None


# --------------------------------------------------------------------------- figures


def numbers_at_risk(curve: pd.DataFrame, times: Iterable[float]) -> list[int]:
    """Patients at risk at each of `times` from one group's km_curves rows.

    The at-risk count at time T is that of the first curve time >= T (lifelines' event table
    counts those still at risk just before that time, and nobody leaves between T and it); 0
    after the last time.
    """
    curve = curve.sort_values("time_months")
    curve_times = curve["time_months"].to_numpy(dtype="float64")
    at_risk = curve["n_at_risk"].to_numpy(dtype="float64")
    counts = []
    for t in times:
        i = int(np.searchsorted(curve_times, t, side="left"))
        counts.append(int(at_risk[i]) if i < len(curve_times) else 0)
    return counts


def _censored(curve: pd.DataFrame) -> np.ndarray:
    """Censorings at each curve time: at risk - deaths - at risk at the next time (clipped >= 0)."""
    at_risk = curve["n_at_risk"].to_numpy(dtype="float64")
    events = curve["n_events"].to_numpy(dtype="float64")
    following = np.append(at_risk[1:], 0.0)
    return np.clip(at_risk - events - following, 0, None)


def plot_km(
    curves: pd.DataFrame,
    medians: pd.DataFrame,
    *,
    title: str,
    test_text: str,
    xlabel: str = "Months from diagnosis",
) -> Figure:
    """Kaplan-Meier plot of one comparison with 95% bands and a numbers-at-risk table below.

    `curves` and `medians` are the comparison's rows of analysis.km_curves / km_medians.
    Underpowered groups are drawn dashed. `test_text` is shown in the plot (log-rank result).
    """
    labels = medians["group_label"].tolist()
    plotted = [label for label in labels if (curves["group_label"] == label).any()]
    n_rows = max(len(plotted), 1)
    fig = Figure(figsize=(8.6, 5.0 + 0.26 * n_rows), layout="constrained", dpi=110)
    grid = fig.add_gridspec(2, 1, height_ratios=[5.0, 0.45 + 0.3 * n_rows])
    ax = fig.add_subplot(grid[0])
    table_ax = fig.add_subplot(grid[1], sharex=ax)

    max_time = float(curves["time_months"].max()) if not curves.empty else 1.0
    for i, label in enumerate(plotted):
        color = _PALETTE[i % len(_PALETTE)]
        group = curves[curves["group_label"] == label].sort_values("time_months")
        info = medians[medians["group_label"] == label].iloc[0]
        underpowered = bool(info["is_underpowered"])
        median_text = (
            "median NR"
            if _is_missing(info["median_months"])
            else f"median {info['median_months']:.1f} mo"
        )
        legend = (
            f"{label}  (n={fmt_int(info['n'])}, deaths={fmt_int(info['n_events'])}, {median_text})"
        )
        if underpowered:
            legend += " \u2013 underpowered"
        time = group["time_months"].to_numpy(dtype="float64")
        ax.step(
            time,
            group["survival"],
            where="post",
            color=color,
            linewidth=2.0,
            linestyle="--" if underpowered else "-",
            label=legend,
        )
        ax.fill_between(
            time,
            group["ci_low"].to_numpy(dtype="float64"),
            group["ci_high"].to_numpy(dtype="float64"),
            step="post",
            color=color,
            alpha=0.12,
            linewidth=0,
        )
        censored = _censored(group) > 0
        ax.plot(
            time[censored],
            group["survival"].to_numpy(dtype="float64")[censored],
            linestyle="none",
            marker="|",
            markersize=6,
            color=color,
        )
    ax.axhline(0.5, color="#888888", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, max_time * 1.02)
    ax.set_ylabel("Overall survival")
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold", pad=18)
    ax.grid(True, color="#e5e5e5", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True, min_n_ticks=4))
    ax.tick_params(labelbottom=True)
    ax.text(0.0, 1.01, test_text, transform=ax.transAxes, ha="left", va="bottom", fontsize=9)
    if plotted:
        ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9, edgecolor="#dddddd")
    ax.set_xlabel(xlabel)

    ticks = [t for t in ax.get_xticks() if 0 <= t <= max_time * 1.02]
    table_ax.set_xlim(ax.get_xlim())
    table_ax.set_ylim(-0.5, n_rows - 0.5)
    for i, label in enumerate(plotted):
        color = _PALETTE[i % len(_PALETTE)]
        group = curves[curves["group_label"] == label]
        y = n_rows - 1 - i
        for t, count in zip(ticks, numbers_at_risk(group, ticks), strict=True):
            table_ax.text(t, y, f"{count}", ha="center", va="center", fontsize=8.5, color=color)
    table_ax.set_yticks([n_rows - 1 - i for i in range(len(plotted))])
    table_ax.set_yticklabels(plotted, fontsize=8.5)
    for tick, i in zip(table_ax.get_yticklabels(), range(len(plotted)), strict=True):
        tick.set_color(_PALETTE[i % len(_PALETTE)])
    table_ax.tick_params(axis="both", length=0, labelbottom=False)
    table_ax.tick_params(axis="y", pad=16)
    table_ax.spines[["top", "right", "bottom", "left"]].set_visible(False)
    table_ax.set_title("Number at risk", loc="left", fontsize=9, color="#444444")
    return fig


def plot_forest(cox: pd.DataFrame, *, title: str = "Cox hazard ratios (95% CI)") -> Figure | None:
    """Forest plot of the fitted group terms of analysis.cox (both models); None if none."""
    rows = cox[
        cox["term"].fillna("").str.startswith("group_label: ") & cox["hazard_ratio"].notna()
    ].copy()
    if rows.empty:
        return None
    rows["label"] = rows["comparison"] + "\n" + rows["term"].str.removeprefix("group_label: ")
    labels = list(dict.fromkeys(rows["label"]))
    offsets = {"unadjusted": 0.17, "adjusted": -0.17}
    styles = {"unadjusted": ("o", "#0072B2"), "adjusted": ("s", "#D55E00")}
    height = 1.6 + 0.55 * len(labels)
    fig = Figure(figsize=(9.5, height), layout="constrained", dpi=110)
    ax = fig.add_subplot()
    positions = {label: len(labels) - 1 - i for i, label in enumerate(labels)}
    for model, (marker, color) in styles.items():
        part = rows[rows["model"] == model]
        if part.empty:
            continue
        y = part["label"].map(positions).to_numpy(dtype="float64") + offsets[model]
        hr = part["hazard_ratio"].to_numpy(dtype="float64")
        low = part["ci_low"].to_numpy(dtype="float64")
        high = part["ci_high"].to_numpy(dtype="float64")
        ax.errorbar(
            hr,
            y,
            xerr=[hr - low, high - hr],
            fmt=marker,
            color=color,
            ecolor=color,
            elinewidth=1.4,
            capsize=2.5,
            markersize=5,
            label=model,
        )
    ax.axvline(1.0, color="#666666", linewidth=0.9, linestyle="--")
    ax.set_xscale("log")
    lo = float(np.nanmin(rows["ci_low"]))
    hi = float(np.nanmax(rows["ci_high"]))
    span = max(abs(math.log10(max(lo, 1e-3))), abs(math.log10(max(hi, 1e-3))), 0.3)
    ax.set_xlim(10 ** (-span * 1.1), 10 ** (span * 1.1))
    low_limit, high_limit = ax.get_xlim()
    ticks = [t for t in _HR_TICKS if low_limit <= t <= high_limit]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_yticks(list(positions.values()))
    ax.set_yticklabels(list(positions.keys()), fontsize=8.5)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.set_xlabel("Hazard ratio (log scale); > 1 = worse overall survival than the reference")
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.grid(True, axis="x", color="#e5e5e5", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper right", fontsize=8.5, frameon=False)
    return fig


def _save(fig: Figure, path: Path) -> str:
    """Write `fig` as PNG to `path`; return the same PNG as base64 for inlining."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    data = buffer.getvalue()
    path.write_bytes(data)
    return base64.b64encode(data).decode("ascii")


# --------------------------------------------------------------------------- sections


@dataclass
class _Comparison:
    name: str
    description: str
    groups: Table
    test_text: str
    cox_groups: Table
    cox_covariates: Table
    figure: str | None = None
    figure_file: str | None = None
    underpowered: bool = False


@dataclass
class _Context:
    title: str
    generated_at: str
    db_path: str
    settings: dict[str, object]
    build: dict[str, object]
    population: str
    min_group_size: int
    studies: Table
    cohorts: Table
    survival_groups: Table
    prevalence: Table
    prevalence_by_study: Table
    cooccurrence: Table
    comparisons: list[_Comparison] = field(default_factory=list)
    forest: str | None = None
    forest_file: str | None = None
    survival_missing: bool = False
    quality: Table | None = None
    quality_summary: str = ""
    rejected: Table | None = None
    rejected_total: int = 0
    load_problems: Table | None = None
    files: Table | None = None
    studies_dir: str = ""
    missing_files: list[str] = field(default_factory=list)
    row_counts: Table | None = None
    packages: Table | None = None


def _logrank_text(row: pd.Series | None, min_group_size: int) -> str:
    if row is None:
        return "log-rank: not computed"
    if bool(row["is_underpowered"]):
        return f"log-rank not tested: a group has < {min_group_size} patients"
    return f"log-rank \u03c7\u00b2 = {row['statistic']:.2f}, df = {int(row['df'])}, p = {fmt_p(row['p_value'])}"


def _prevalence_tables(con: duckdb.DuckDBPyConnection) -> tuple[Table, Table]:
    frame = _df(con, "select * from marts.erbb2_prevalence where unit = 'patient'")

    def pivot(part: pd.DataFrame, caption: str) -> Table:
        if part.empty:
            return Table((), ())
        keys = part[["study_id", "driver_cohort"]].drop_duplicates()
        keys = keys.assign(_order=keys["driver_cohort"].map(_COHORT_ORDER).fillna(9))
        keys = keys.sort_values(["study_id", "_order", "driver_cohort"])
        columns: list[tuple[str, object]] = []
        if part["study_id"].nunique() > 1 or (part["study_id"] != "ALL").any():
            columns.append(("Study", "study_id"))
        columns.append(
            (
                "Driver cohort",
                lambda r: "all patients" if r["driver_cohort"] == "ALL" else r["driver_cohort"],
            )
        )
        indexed = part.set_index(["study_id", "driver_cohort", "alteration"])

        def cell(alteration: str) -> Callable[[pd.Series], object]:
            def render(row: pd.Series) -> object:
                key = (row["study_id"], row["driver_cohort"], alteration)
                if key not in indexed.index:
                    return _DASH
                r = indexed.loc[key]
                text = fmt_pct_ci(r["pct"], r["ci_low"], r["ci_high"])
                counts = f"{fmt_int(r['n_altered'])} / {fmt_int(r['n_profiled'])}"
                return Markup("{}<br><span class='sub'>{}</span>").format(text, counts)

            return render

        for alteration, header in _ALTERATIONS:
            columns.append((header, cell(alteration)))
        numeric = [header for _, header in _ALTERATIONS]
        return _table(keys, columns, numeric=numeric, caption=caption)

    pooled = pivot(frame[frame["study_id"] == "ALL"], "all studies pooled")
    per_study = frame[frame["study_id"] != "ALL"]
    by_study = (
        pivot(per_study, "per study") if per_study["study_id"].nunique() > 1 else Table((), ())
    )
    return pooled, by_study


def _cooccurrence_table(con: duckdb.DuckDBPyConnection) -> Table:
    frame = _df(
        con,
        "select * from marts.erbb2_cooccurrence where study_id = 'ALL' order by p_value nulls last, gene",
    )
    columns = [
        ("Gene", "gene"),
        ("Both", "n_both"),
        ("ERBB2 only", "n_erbb2_only"),
        ("Gene only", "n_gene_only"),
        ("Neither", "n_neither"),
        ("log2 OR", "log2_odds_ratio"),
        ("Fisher p", lambda r: fmt_p(r["p_value"])),
        ("BH q", lambda r: fmt_p(r["q_value"])),
        ("Tendency", "tendency"),
        ("CMH p (by study)", lambda r: fmt_p(r["cmh_p_value"])),
    ]
    numeric = [
        "Both",
        "ERBB2 only",
        "Gene only",
        "Neither",
        "log2 OR",
        "Fisher p",
        "BH q",
        "CMH p (by study)",
    ]
    return _table(frame, columns, numeric=numeric)


def _survival_sections(
    con: duckdb.DuckDBPyConnection,
    tables: set[str],
    figures_dir: Path,
    min_group_size: int,
    figure_paths: list[Path],
) -> tuple[list[_Comparison], Table, str | None, str | None, bool]:
    needed = {f"analysis.{name}" for name in ("km_curves", "km_medians", "logrank", "cox")}
    if not needed <= tables or "marts.fct_survival_cohorts" not in tables:
        return [], Table((), ()), None, None, True
    curves = _df(con, "select * from analysis.km_curves")
    medians = _df(con, "select * from analysis.km_medians order by comparison, group_label")
    tests = _df(con, "select * from analysis.logrank")
    cox = _df(con, "select * from analysis.cox")
    seed = (
        _df(con, "select comparison, description from reference.survival_comparisons")
        if "reference.survival_comparisons" in tables
        else pd.DataFrame(columns=["comparison", "description"])
    )
    descriptions = dict(zip(seed["comparison"], seed["description"], strict=True))
    groups = _df(
        con,
        """
        select comparison, group_label,
               count(*) as in_group,
               count(*) filter (where not has_known_os) as unknown_os,
               count(*) filter (where has_known_os) as analysed,
               count(*) filter (where has_known_os and os_event) as deaths
        from marts.fct_survival_cohorts
        group by all
        order by comparison, group_label
        """,
    )
    survival_groups = _table(
        groups,
        [
            ("Comparison", "comparison"),
            ("Group", "group_label"),
            ("Patients in group", "in_group"),
            ("Left out: unknown vital status / time", "unknown_os"),
            ("Analysed", "analysed"),
            ("Deaths", "deaths"),
        ],
        numeric=[
            "Patients in group",
            "Left out: unknown vital status / time",
            "Analysed",
            "Deaths",
        ],
    )

    sections = []
    for name in sorted(medians["comparison"].unique()):
        m = medians[medians["comparison"] == name].reset_index(drop=True)
        c = curves[curves["comparison"] == name]
        t = tests[tests["comparison"] == name]
        test_row = t.iloc[0] if not t.empty else None
        test_text = _logrank_text(test_row, min_group_size)
        group_table = _table(
            m,
            [
                ("Group", "group_label"),
                ("n", "n"),
                ("Deaths", "n_events"),
                (
                    "Median OS, months (95% CI)",
                    lambda r: fmt_median(r["median_months"], r["ci_low"], r["ci_high"], r["n"]),
                ),
                (
                    "Power",
                    lambda r: (
                        Markup("<span class='badge warn'>underpowered</span>")
                        if r["is_underpowered"]
                        else ""
                    ),
                ),
            ],
            numeric=["n", "Deaths", "Median OS, months (95% CI)"],
        )
        models = cox[cox["comparison"] == name]
        is_group = models["term"].fillna("").str.startswith("group_label: ")
        cox_columns = [
            ("Model", "model"),
            (
                "Term",
                lambda r: (
                    _DASH
                    if _is_missing(r["term"])
                    else str(r["term"]).removeprefix("group_label: ")
                ),
            ),
            ("HR (95% CI)", lambda r: fmt_ci(r["hazard_ratio"], r["ci_low"], r["ci_high"])),
            ("p", lambda r: fmt_p(r["p_value"])),
            ("PH test p", lambda r: fmt_p(r["ph_test_p_value"])),
            ("n", "n"),
            ("Deaths", "n_events"),
            ("Note", lambda r: "" if _is_missing(r["note"]) else str(r["note"])),
        ]
        cox_numeric = ["HR (95% CI)", "p", "PH test p", "n", "Deaths"]
        section = _Comparison(
            name=name,
            description=str(descriptions.get(name, "")),
            groups=group_table,
            test_text=test_text,
            cox_groups=_table(models[is_group | models["term"].isna()], cox_columns, cox_numeric),
            cox_covariates=_table(
                models[~is_group & models["term"].notna()], cox_columns, cox_numeric
            ),
            underpowered=bool(test_row["is_underpowered"]) if test_row is not None else True,
        )
        if not c.empty:
            fig = plot_km(c, m, title=name, test_text=test_text)
            path = figures_dir / f"km_{_slug(name)}.png"
            section.figure = _save(fig, path)
            section.figure_file = path.name
            figure_paths.append(path)
        sections.append(section)

    forest_b64 = forest_file = None
    fig = plot_forest(cox)
    if fig is not None:
        path = figures_dir / "cox_forest.png"
        forest_b64 = _save(fig, path)
        forest_file = path.name
        figure_paths.append(path)
    return sections, survival_groups, forest_b64, forest_file, False


def _quality_section(con: duckdb.DuckDBPyConnection, tables: set[str]) -> tuple[Table | None, str]:
    if "quality.check_results" not in tables:
        return (
            None,
            "Quality checks were not run: the warehouse has no quality.check_results table.",
        )
    frame = _df(con, "select * from quality.check_results")
    text = f"{len(frame):,} quality check result(s) recorded in quality.check_results."
    for column in ("success", "passed", "is_success"):
        if column in frame.columns:
            failed = int((~frame[column].astype("boolean").fillna(False)).sum())
            text += f" {failed:,} did not pass."
            break
    else:
        if "status" in frame.columns:
            counts = frame["status"].astype(str).value_counts()
            text += " Status: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + "."
    columns = [(str(column), column) for column in frame.columns]
    return _table(frame.head(500), columns), text


# --------------------------------------------------------------------------- entry point


def write_report(
    db_path: Path | str,
    out_dir: Path | str,
    *,
    studies_dir: Path | str | None = None,
    title: str = "HER2 / ERBB2 in NSCLC \u2013 warehouse report",
    now: dt.datetime | None = None,
) -> Report:
    """Write ``report.html`` and its PNG figures into `out_dir`; return what was written.

    The warehouse is opened read-only. `studies_dir` is the folder the warehouse was built from,
    used to checksum the data files; by default the folder recorded in the warehouse
    (analysis.survival_settings, else meta.build_info).
    Files that cannot be found are listed in the report (and in ``Report.missing_files``).
    """
    db_path = Path(db_path)
    # a DuckDB file, or a Spark warehouse folder (summary.connect_read_only)
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    figure_paths: list[Path] = []

    with summary.connect_read_only(db_path) as con:
        tables = _tables(con)
        settings = _one_row(con, tables, "analysis.survival_settings")
        build = _one_row(con, tables, "meta.build_info")
        population = str(settings.get("population") or "luad")
        min_group_size = int(settings.get("min_group_size") or 10)
        resolved_studies = _resolve_studies_dir(
            studies_dir, settings.get("studies_dir"), build.get("studies_dir")
        )

        studies = summary.study_counts(con)
        counts = ["patients", "samples", "luad_samples", "alterations"]
        studies[counts] = studies[counts].astype("Int64")
        studies_table = _table(
            studies,
            [
                ("Study", "study_id"),
                ("Patients", "patients"),
                ("Samples", "samples"),
                ("LUAD samples", "luad_samples"),
                ("Alteration rows", "alterations"),
            ],
            numeric=["Patients", "Samples", "LUAD samples", "Alteration rows"],
        )
        cohorts = _table(
            _cohort_sizes(con, population),
            [
                ("Driver cohort", "driver_cohort"),
                ("Patients", "patients"),
                ("ERBB2 profiled", "erbb2_profiled"),
                ("ERBB2 altered", "erbb2_altered"),
                ("With expression", "with_expression"),
                ("ERBB2-high", "erbb2_high"),
                ("Known vital status", "known_os"),
                ("Deaths", "deaths"),
            ],
            numeric=[
                "Patients",
                "ERBB2 profiled",
                "ERBB2 altered",
                "With expression",
                "ERBB2-high",
                "Known vital status",
                "Deaths",
            ],
        )
        prevalence, prevalence_by_study = _prevalence_tables(con)
        cooccurrence = _cooccurrence_table(con)
        sections, survival_groups, forest, forest_file, survival_missing = _survival_sections(
            con, tables, out_dir, min_group_size, figure_paths
        )
        quality, quality_summary = _quality_section(con, tables)
        rejected_frame = summary.rejected_counts(con)
        rejected = _table(
            rejected_frame,
            [("Entity", "entity"), ("Study", "study_id"), ("Reason", "reason"), ("Rows", "n_rows")],
            numeric=["Rows"],
        )
        load_problems = None
        if "raw.raw_cbioportal__load_problems" in tables:
            load_problems = _table(
                _df(con, "select * from raw.raw_cbioportal__load_problems"),
                [
                    ("Severity", "severity"),
                    ("Study folder", "study_folder"),
                    ("File", "source_file"),
                    ("Column", "column_name"),
                    ("Problem", "problem"),
                ],
            )
        files_frame, missing = _file_provenance(con, tables, resolved_studies)
        files = None
        if not files_frame.empty:
            files = _table(
                files_frame,
                [
                    ("Study", "study_id"),
                    ("File", "source_file"),
                    ("Kind", "data_kind"),
                    ("Data lines", "data_lines"),
                    ("Bytes", "size_bytes"),
                    (
                        "SHA-256",
                        lambda r: (
                            Markup("<code>{}</code>").format(r["sha256"])
                            if r["sha256"]
                            else "file not found"
                        ),
                    ),
                ],
                numeric=["Data lines", "Bytes"],
            )
        row_counts = _table(
            _row_counts(con, tables),
            [("Schema", "schema"), ("Table", "table"), ("Rows", "rows")],
            numeric=["Rows"],
        )

    context = _Context(
        title=title,
        generated_at=generated,
        db_path=str(db_path.resolve()),
        settings={k: _display(v) for k, v in settings.items()},
        build={k: _display(v) for k, v in build.items()},
        population=population,
        min_group_size=min_group_size,
        studies=studies_table,
        cohorts=cohorts,
        survival_groups=survival_groups,
        prevalence=prevalence,
        prevalence_by_study=prevalence_by_study,
        cooccurrence=cooccurrence,
        comparisons=sections,
        forest=forest,
        forest_file=forest_file,
        survival_missing=survival_missing,
        quality=quality,
        quality_summary=quality_summary,
        rejected=rejected,
        rejected_total=int(rejected_frame["n_rows"].sum()) if not rejected_frame.empty else 0,
        load_problems=load_problems,
        files=files,
        studies_dir=str(resolved_studies) if resolved_studies is not None else "",
        missing_files=missing,
        row_counts=row_counts,
        packages=_table(_package_versions(), [("Package", "package"), ("Version", "version")]),
    )
    html = _render(context)
    html_path = out_dir / "report.html"
    html_path.write_text(html, encoding="utf-8")
    return Report(html_path, tuple(figure_paths), resolved_studies, tuple(missing))


def _render(context: _Context) -> str:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(c=context)
