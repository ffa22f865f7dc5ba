"""marts.erbb2_prevalence computed the straightforward pandas way: every file read whole with
``pandas.read_csv`` (text columns), the wide CNA file melted to long, then merges and groupbys.

Same rules as the floor (benchmarks/prevalence_duckdb.py, which documents them); study
discovery, gene panels and case lists are shared with it, since they are small text files.

Usage: python benchmarks/prevalence_pandas.py STUDIES_DIR [OUT.csv]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from her2lung.stats import prevalence_ci

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prevalence_duckdb import SEEDS, _leading_comment_lines, _meta, discover  # noqa: E402

ID = re.compile(r"^[A-Za-z0-9._-]+$")
INTEGER = re.compile(r"^[+-]?[0-9]+$")
ID_COLUMNS = ("hugo_symbol", "entrez_gene_id", "cytoband")


def _read(path: str) -> pd.DataFrame:
    frame = pd.read_csv(
        path,
        sep="\t",
        dtype=str,
        keep_default_na=False,
        quoting=3,
        skiprows=_leading_comment_lines(Path(path)),
    )
    frame["line_no"] = np.arange(len(frame))
    return frame


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column by name, case-insensitively; all-missing when the file lacks it."""
    for c in frame.columns:
        if c.strip().lower() == name.lower():
            return frame[c]
    return pd.Series("", index=frame.index)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


class _Genes:
    def __init__(self) -> None:
        aliases = pd.read_csv(SEEDS / "gene_aliases.csv", dtype=str, keep_default_na=False)
        symbol = aliases["symbol"].str.strip().str.upper()
        canonical = aliases[symbol == aliases["hugo_symbol"].str.upper()]
        self.by_entrez = canonical.groupby(canonical["entrez_gene_id"].astype(int))[
            "hugo_symbol"
        ].max()
        self.by_symbol = aliases.groupby(symbol)["hugo_symbol"].max()

    def resolve(self, symbol: pd.Series, entrez: pd.Series) -> pd.Series:
        entrez_num = pd.to_numeric(entrez, errors="coerce")
        by_entrez = entrez_num.map(self.by_entrez)
        by_symbol = symbol.fillna("").str.strip().str.upper().map(self.by_symbol)
        as_given = symbol.fillna("").str.strip().replace("", np.nan)
        return by_entrez.fillna(by_symbol).fillna(as_given)


def prevalence(studies_dir: Path | str, population: str = "luad") -> pd.DataFrame:
    studies_dir = Path(studies_dir).resolve()
    files = discover(studies_dir)
    genes = _Genes()
    tokens = set(
        pd.read_csv(SEEDS / "missing_value_tokens.csv", dtype=str, keep_default_na=False)["token"]
        .str.upper()
        .tolist()
    )

    def clean(series: pd.Series) -> pd.Series:
        s = series.fillna("").str.strip()
        return s.where((s != "") & ~s.str.upper().isin(tokens))

    def of_kind(kind):
        return files[files["kind"] == kind].itertuples(index=False)

    # clinical samples
    frames = []
    for f in of_kind("clinical_sample"):
        d = _read(f.path)
        frames.append(
            pd.DataFrame(
                {
                    "study_id": f.study_id,
                    "line_no": d["line_no"],
                    "sample_id": clean(_column(d, "SAMPLE_ID")),
                    "patient_id": clean(_column(d, "PATIENT_ID")),
                    "oncotree_code": clean(_column(d, "ONCOTREE_CODE")).str.upper(),
                    "cancer_type": clean(_column(d, "CANCER_TYPE")),
                    "detailed": clean(_column(d, "CANCER_TYPE_DETAILED")),
                }
            )
        )
    samples = _concat(frames, ["study_id", "line_no", "sample_id", "patient_id"])
    valid = (
        samples["sample_id"].notna()
        & samples["patient_id"].notna()
        & samples["sample_id"].fillna("").str.match(ID)
        & samples["patient_id"].fillna("").str.match(ID)
    )
    samples = (
        samples[valid]
        .sort_values(["study_id", "line_no"])
        .drop_duplicates(["study_id", "sample_id"], keep="first")
    )
    oncotree = pd.read_csv(SEEDS / "oncotree_codes.csv", dtype={"oncotree_code": str})
    samples = samples.merge(
        oncotree[["oncotree_code", "is_luad", "is_nsclc"]], on="oncotree_code", how="left"
    )
    no_code = samples["oncotree_code"].isna()
    is_luad_text = samples["detailed"].str.lower() == "lung adenocarcinoma"
    nsclc_text = is_luad_text | (samples["cancer_type"].str.lower() == "non-small cell lung cancer")
    samples["is_luad"] = samples["is_luad"].astype("boolean").fillna(no_code & is_luad_text)
    samples["is_nsclc"] = samples["is_nsclc"].astype("boolean").fillna(no_code & nsclc_text)
    samples = samples[["study_id", "sample_id", "patient_id", "is_luad", "is_nsclc"]]
    known = samples[["study_id", "sample_id"]]

    # mutations
    classes = pd.read_csv(SEEDS / "variant_classifications.csv")
    classes["vc"] = classes["variant_classification"].str.lower()
    frames = []
    for f in of_kind("mutations"):
        d = _read(f.path)
        frames.append(
            pd.DataFrame(
                {
                    "study_id": f.study_id,
                    "sample_id": clean(_column(d, "Tumor_Sample_Barcode")),
                    "hugo": clean(_column(d, "Hugo_Symbol")),
                    "entrez": clean(_column(d, "Entrez_Gene_Id")),
                    "vc": _column(d, "Variant_Classification").str.strip().str.lower(),
                    "start": clean(_column(d, "Start_Position")),
                    "end": clean(_column(d, "End_Position")),
                }
            )
        )
    maf = _concat(frames, ["study_id", "sample_id", "hugo", "entrez", "vc", "start", "end"])
    maf = maf.merge(classes[["vc", "is_nonsynonymous", "is_fusion"]], on="vc").merge(known)
    entrez_num = pd.to_numeric(maf["entrez"], errors="coerce")
    ok = (
        (maf["hugo"].notna() | (entrez_num.fillna(0) != 0))
        & (
            maf["entrez"].isna()
            | (maf["entrez"] == "0")
            | (maf["entrez"].fillna("").str.match(INTEGER) & (entrez_num > 0))
        )
        & (maf["start"].isna() | maf["start"].fillna("").str.match(INTEGER))
        & (maf["end"].isna() | maf["end"].fillna("").str.match(INTEGER))
    )
    maf = maf[ok].copy()
    maf["gene"] = genes.resolve(maf["hugo"], maf["entrez"])

    # structural variants
    sites = []
    for f in of_kind("sv"):
        d = _read(f.path)
        d = pd.DataFrame(
            {
                "study_id": f.study_id,
                "sample_id": clean(_column(d, "Sample_Id")),
                "s1": clean(_column(d, "Site1_Hugo_Symbol")),
                "e1": clean(_column(d, "Site1_Entrez_Gene_Id")),
                "s2": clean(_column(d, "Site2_Hugo_Symbol")),
                "e2": clean(_column(d, "Site2_Entrez_Gene_Id")),
            }
        ).merge(known)
        e1 = pd.to_numeric(d["e1"], errors="coerce").fillna(0)
        e2 = pd.to_numeric(d["e2"], errors="coerce").fillna(0)
        site1 = d[d["s1"].notna() | (e1 != 0)]
        sites.append(site1.assign(gene=genes.resolve(site1["s1"], site1["e1"])))
        keep2 = (d["s2"].notna() | (e2 != 0)) & (d["s2"].fillna("") != d["s1"].fillna(""))
        site2 = d[keep2]
        sites.append(site2.assign(gene=genes.resolve(site2["s2"], site2["e2"])))
    fusions = _concat(sites, ["study_id", "sample_id", "gene"])

    # wide CNA: melted, calls of the known samples
    cna_samples, cna_genes, amplified = [], [], []
    for f in of_kind("cna"):
        d = _read(f.path).drop(columns="line_no")
        lower = {c: c.strip().lower() for c in d.columns}
        id_cols = [c for c in d.columns if lower[c] in ID_COLUMNS]
        hugo_col = next((c for c in d.columns if lower[c] == "hugo_symbol"), None)
        entrez_col = next((c for c in d.columns if lower[c] == "entrez_gene_id"), None)
        d["gene"] = genes.resolve(
            d[hugo_col].str.strip() if hugo_col else pd.Series(np.nan, index=d.index),
            d[entrez_col].str.strip() if entrez_col else pd.Series(np.nan, index=d.index),
        )
        cna_genes.append(pd.DataFrame({"study_id": f.study_id, "gene": d["gene"].dropna()}))
        names = [c.strip() for c in d.columns if c not in id_cols and c != "gene"]
        cna_samples.append(
            pd.DataFrame({"study_id": f.study_id, "sample_id": [n for n in names if n]})
        )
        long = d.drop_duplicates("gene").melt(
            id_vars=["gene"],
            value_vars=[c for c in d.columns if c not in id_cols and c != "gene"],
            var_name="sample_id",
            value_name="value",
        )
        long["sample_id"] = long["sample_id"].str.strip()
        calls = long[
            (long["gene"] == "ERBB2")
            & (pd.to_numeric(long["value"].str.strip(), errors="coerce") == 2)
        ]
        amplified.append(calls.assign(study_id=f.study_id)[["study_id", "sample_id"]])
    cna_samples = _concat(cna_samples, ["study_id", "sample_id"]).drop_duplicates()
    cna_genes = _concat(cna_genes, ["study_id", "gene"]).drop_duplicates()
    amplified = _concat(amplified, ["study_id", "sample_id"]).merge(known).drop_duplicates()

    # gene panel matrix
    frames = []
    for f in of_kind("panel_matrix"):
        d = _read(f.path)
        long = d.melt(id_vars=["SAMPLE_ID", "line_no"], var_name="profile", value_name="panel")
        long["study_id"] = f.study_id
        frames.append(long)
    panels = _concat(frames, ["SAMPLE_ID", "line_no", "profile", "panel", "study_id"])
    panels["sample_id"] = panels["SAMPLE_ID"].str.strip()
    panels = panels.merge(known)
    panels["profile"] = panels["profile"].str.strip().str.lower()
    panels = panels.sort_values("line_no").drop_duplicates(
        ["study_id", "sample_id", "profile"], keep="first"
    )
    p = panels["profile"]
    panels["alteration_type"] = np.select(
        [
            p.str.contains("mutation"),
            p.isin(["cna", "gistic"]) | p.str.contains("cna") | p.str.contains("gistic"),
            p.str.contains("structural") | p.str.contains("fusion") | (p == "sv"),
        ],
        ["mutation", "copy_number", "structural_variant"],
        default="",
    )
    panels["panel"] = panels["panel"].str.strip().replace({"": np.nan, "NA": np.nan})
    panels = (
        panels[panels["alteration_type"] != ""]
        .groupby(["study_id", "sample_id", "alteration_type"], as_index=False)["panel"]
        .max()
    )

    panel_rows, list_rows, owners = [], [], {}
    for f in of_kind("gene_panel"):
        meta = _meta(Path(f.path))
        for gene in meta.get("gene_list", "").split("\t"):
            if meta.get("stable_id") and gene.strip():
                panel_rows.append((meta["stable_id"], gene.strip()))
    panel_genes = pd.DataFrame(panel_rows, columns=["panel", "token"])
    numeric = panel_genes["token"].str.match(INTEGER)
    panel_genes["gene"] = genes.resolve(
        panel_genes["token"].str.upper().where(~numeric),
        panel_genes["token"].where(numeric),
    )
    panel_genes = panel_genes[["panel", "gene"]].drop_duplicates()
    for f in of_kind("case_list"):
        meta = _meta(Path(f.path))
        list_id = meta.get("stable_id")
        if not list_id or owners.setdefault((f.study_id, list_id), f.path) != f.path:
            continue
        for sample in meta.get("case_list_ids", "").split("\t"):
            if sample.strip():
                list_rows.append((f.study_id, list_id, sample.strip()))
    lists = pd.DataFrame(list_rows, columns=["study_id", "list_id", "sample_id"]).merge(known)
    lid = lists["list_id"]
    lists["role"] = np.select(
        [
            lid.str.endswith("_sequenced"),
            lid.str.endswith("_cnaseq"),
            lid.str.endswith("_cna"),
            lid.str.endswith("_sv") | lid.str.endswith("_structural_variants"),
        ],
        ["sequenced", "cnaseq", "cna", "sv"],
        default="other",
    )

    # profiling of the five (gene, type) pairs the table needs
    evidence = samples[["study_id", "sample_id"]].copy()
    for role, name in (("sequenced", "seq"), ("cna", "cna"), ("sv", "sv")):
        in_role = lists[lists["role"] == role]
        evidence["has_" + name] = evidence["study_id"].isin(set(in_role["study_id"]))
        keys = set(zip(in_role["study_id"], in_role["sample_id"], strict=True))
        evidence["in_" + name] = [
            k in keys for k in zip(evidence["study_id"], evidence["sample_id"], strict=True)
        ]
    maf_keys = set(zip(maf["study_id"], maf["sample_id"], strict=True))
    cna_keys = set(zip(cna_samples["study_id"], cna_samples["sample_id"], strict=True))
    pairs = list(zip(evidence["study_id"], evidence["sample_id"], strict=True))
    evidence["in_maf"] = [k in maf_keys for k in pairs]
    evidence["in_cna_file"] = [k in cna_keys for k in pairs]
    kinds = files.groupby("study_id")["kind"].agg(set)
    legacy = set(maf.loc[maf["is_fusion"], "study_id"])
    cna_gene_keys = set(zip(cna_genes["study_id"], cna_genes["gene"], strict=True))
    panel_gene_keys = set(zip(panel_genes["panel"], panel_genes["gene"], strict=True))

    def profiled(gene: str, alteration_type: str) -> pd.Series:
        e = evidence.merge(
            panels[panels["alteration_type"] == alteration_type], how="left", indicator=True
        )
        has_panel_row = e["_merge"] == "both"
        in_panel = (
            pd.Series([(p, gene) in panel_gene_keys for p in e["panel"]], index=e.index)
            & e["panel"].notna()
        )
        if alteration_type == "mutation":
            listed = e["in_seq"].where(e["has_seq"], e["in_maf"])
            has_file = e["study_id"].map(lambda s: "mutations" in kinds.get(s, set()))
        elif alteration_type == "copy_number":
            listed = e["in_cna"].where(e["has_cna"], e["in_cna_file"])
            has_file = e["study_id"].map(
                lambda s: "cna" in kinds.get(s, set()) and (s, gene) in cna_gene_keys
            )
        else:
            listed = e["in_sv"].where(e["has_sv"], e["in_seq"].where(e["has_seq"], e["in_maf"]))
            has_file = e["study_id"].map(lambda s: "sv" in kinds.get(s, set()) or s in legacy)
        selected = in_panel.where(has_panel_row, listed)
        return pd.Series((selected & has_file).to_numpy(), index=evidence.index)

    def found(mask: pd.Series, frame: pd.DataFrame) -> pd.Series:
        hit = set(zip(frame.loc[mask, "study_id"], frame.loc[mask, "sample_id"], strict=True))
        return pd.Series([k in hit for k in pairs], index=evidence.index)

    def three_valued(profiled_flag: pd.Series, altered: pd.Series) -> pd.Series:
        return altered.astype("boolean").where(profiled_flag, pd.NA)

    mutated = maf["is_nonsynonymous"] & ~maf["is_fusion"]
    flags = samples.reset_index(drop=True).copy()
    evidence = evidence.reset_index(drop=True)
    flags["p_mut"] = profiled("ERBB2", "mutation").to_numpy()
    flags["p_cna"] = profiled("ERBB2", "copy_number").to_numpy()
    flags["kras"] = three_valued(
        profiled("KRAS", "mutation"), found(mutated & (maf["gene"] == "KRAS"), maf)
    ).to_numpy()
    flags["egfr"] = three_valued(
        profiled("EGFR", "mutation"), found(mutated & (maf["gene"] == "EGFR"), maf)
    ).to_numpy()
    alk = found(maf["is_fusion"] & (maf["gene"] == "ALK"), maf) | found(
        fusions["gene"] == "ALK", fusions
    )
    flags["alk"] = three_valued(profiled("ALK", "structural_variant"), alk).to_numpy()
    flags["mut"] = three_valued(
        flags["p_mut"], found(mutated & (maf["gene"] == "ERBB2"), maf)
    ).to_numpy()
    flags["amp"] = three_valued(
        flags["p_cna"], found(pd.Series(True, index=amplified.index), amplified)
    ).to_numpy()

    # three-valued any(): max over 1/0/NaN ignores the unknowns, NaN when all are unknown
    bool_cols = ["is_luad", "is_nsclc", "p_mut", "p_cna", "kras", "egfr", "alk", "mut", "amp"]
    as_float = flags[bool_cols].apply(lambda c: c.astype("boolean").astype("Float64"))
    rolled = as_float.groupby([flags["study_id"], flags["patient_id"]]).max()
    patients = (rolled.astype("Int64") == 1).where(rolled.notna(), pd.NA).reset_index()
    units = pd.concat(
        [flags.assign(unit="sample"), patients.assign(unit="patient")], ignore_index=True
    )
    units = units[units[{"luad": "is_luad", "nsclc": "is_nsclc"}[population]].astype(bool)]
    for c in ["p_mut", "p_cna", "kras", "egfr", "alk", "mut", "amp"]:
        units[c] = units[c].astype("boolean")
    n_drivers = sum(units[c].fillna(False).astype(int) for c in ("kras", "egfr", "alk"))
    all_negative = ~units["kras"] & ~units["egfr"] & ~units["alk"]
    units["driver_cohort"] = np.select(
        [
            n_drivers >= 2,
            units["kras"].fillna(False),
            units["egfr"].fillna(False),
            units["alk"].fillna(False),
            all_negative.fillna(False),
        ],
        ["multiple", "KRAS", "EGFR", "ALK", "other"],
        default=None,
    )
    known_cohort = units[units["driver_cohort"].notna()]
    scoped = pd.concat(
        [
            known_cohort,
            units.assign(driver_cohort="ALL"),
            known_cohort.assign(study_id="ALL"),
            units.assign(study_id="ALL", driver_cohort="ALL"),
        ],
        ignore_index=True,
    )
    both = scoped["p_mut"].fillna(False) & scoped["p_cna"].fillna(False)
    rows = []
    for alteration, prof, alt in (
        ("mutation", scoped["p_mut"].fillna(False), scoped["mut"]),
        ("amplification", scoped["p_cna"].fillna(False), scoped["amp"]),
        ("mutation_or_amplification", both, scoped["mut"] | scoped["amp"]),
        ("mutation_and_amplification", both, scoped["mut"] & scoped["amp"]),
    ):
        frame = scoped[["unit", "study_id", "driver_cohort"]].copy()
        frame["alteration"] = alteration
        frame["n_profiled"] = prof.astype(int)
        frame["n_altered"] = (prof & alt.fillna(False)).astype(int)
        rows.append(frame)
    counts = (
        pd.concat(rows, ignore_index=True)
        .groupby(["unit", "study_id", "driver_cohort", "alteration"], as_index=False)[
            ["n_profiled", "n_altered"]
        ]
        .sum()
    )
    result = prevalence_ci(counts)
    result["population"] = population
    return result


def main(argv: list[str]) -> int:
    result = prevalence(Path(argv[1]))
    if len(argv) > 2:
        result.to_csv(argv[2], index=False)
    else:
        print(result.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
