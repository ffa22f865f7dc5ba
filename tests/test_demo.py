"""Tests for the synthetic demo study generator (her2lung.demo).

The checks parse the written files with the standard library only, so they do not depend on
the generator's internals: frequencies, panels and planted rows are recomputed from the files.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from her2lung.demo import DemoManifest, write_demo_studies

STUDY = "her2lung_demo_luad"

COUNTED_CLASSES = {
    "Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins",
    "In_Frame_Del", "In_Frame_Ins", "Splice_Site", "Translation_Start_Site", "Nonstop_Mutation",
}  # fmt: skip
NOT_COUNTED_CLASSES = {"Silent", "Intron", "3'UTR", "5'UTR", "3'Flank", "5'Flank", "IGR", "RNA"}
# Our own reading of the free-text smoking history (independent of the generator's table).
SMOKING = {
    "Never": "never",
    "Lifelong Non-smoker": "never",
    "Former": "former",
    "Current Reformed Smoker for > 15 yrs": "former",
    "Current Reformed Smoker for < or = 15 yrs": "former",
    "Current": "current",
    "Current Smoker": "current",
}
MISSING = {"", "NA", "[Not Available]"}
ENTREZ_ERBB2 = "2064"

REQUIRED_FILES = [
    "meta_study.txt",
    "meta_clinical_patient.txt",
    "meta_clinical_sample.txt",
    "meta_mutations.txt",
    "meta_cna.txt",
    "meta_sv.txt",
    "meta_mrna_seq_v2_rsem_zscores_ref_all_samples.txt",
    "meta_gene_panel_matrix.txt",
    "data_clinical_patient.txt",
    "data_clinical_sample.txt",
    "data_mutations.txt",
    "data_CNA.txt",
    "data_sv.txt",
    "data_mrna_seq_v2_rsem_zscores_ref_all_samples.txt",
    "data_gene_panel_matrix.txt",
    "case_lists/cases_all.txt",
    "case_lists/cases_sequenced.txt",
    "case_lists/cases_cna.txt",
    "case_lists/cases_cnaseq.txt",
    "case_lists/cases_sv.txt",
    "case_lists/cases_rna_seq_v2_mrna.txt",
]
META_KEYS = {
    "meta_mutations.txt": ("MUTATION_EXTENDED", "MAF"),
    "meta_cna.txt": ("COPY_NUMBER_ALTERATION", "DISCRETE"),
    "meta_sv.txt": ("STRUCTURAL_VARIANT", "SV"),
    "meta_mrna_seq_v2_rsem_zscores_ref_all_samples.txt": ("MRNA_EXPRESSION", "Z-SCORE"),
}
PROFILE_META_FIELDS = (
    "cancer_study_identifier",
    "genetic_alteration_type",
    "datatype",
    "stable_id",
    "show_profile_in_analysis_tab",
    "profile_name",
    "profile_description",
    "data_filename",
)


# ------------------------------------------------------------------------------ parsing


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (1-based line number, cells) rows; skips leading '#' lines only."""
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    with open(path, encoding="utf-8", newline="") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.rstrip("\n")
            if header is None:
                if line.startswith("#"):
                    continue
                header = line.split("\t")
                continue
            rows.append((number, line.split("\t")))
    assert header is not None, path
    return header, rows


def read_meta(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(": ")
        out[key] = value
    return out


class ParsedStudy:
    """Everything a test needs, parsed once from one study folder."""

    def __init__(self, folder: Path, bad_lines: set[tuple[str, int]]):
        self.folder = folder
        h, rows = read_table(folder / "data_clinical_patient.txt")
        self.patients = {r[0]: dict(zip(h, r, strict=True)) for n, r in rows}
        self.patient_lines = {r[0]: n for n, r in rows}
        h, rows = read_table(folder / "data_clinical_sample.txt")
        self.sample_rows = [(n, dict(zip(h, r, strict=True))) for n, r in rows]
        self.samples = {}
        for _, r in self.sample_rows:
            self.samples.setdefault(r["SAMPLE_ID"], r)
        self.histology = {p: set() for p in self.patients}
        for r in self.samples.values():
            self.histology[r["PATIENT_ID"]].add(r["ONCOTREE_CODE"])
        self.luad = {p for p, h in self.histology.items() if h == {"LUAD"}}
        self.lusc = {p for p, h in self.histology.items() if h == {"LUSC"}}

        h, rows = read_table(folder / "data_mutations.txt")
        self.maf_header = h
        self.maf = [(n, dict(zip(h, r, strict=True))) for n, r in rows]
        self.maf_clean = [(n, r) for n, r in self.maf if ("data_mutations.txt", n) not in bad_lines]
        # symbol resolution: Entrez id wins; learn ids from rows whose symbol is a panel gene
        self.panels = {}
        for p in folder.glob("data_gene_panel_*.txt"):
            if p.name == "data_gene_panel_matrix.txt":
                continue
            meta = read_meta(p)
            self.panels[meta["stable_id"]] = set(meta["gene_list"].split("\t"))
        all_panel_genes = set().union(*self.panels.values())
        self.entrez_to_symbol = {
            r["Entrez_Gene_Id"]: r["Hugo_Symbol"]
            for _, r in self.maf_clean
            if r["Hugo_Symbol"] in all_panel_genes
        }
        h, rows = read_table(folder / "data_gene_panel_matrix.txt")
        self.matrix = {r[0]: dict(zip(h, r, strict=True)) for n, r in rows}
        self.case_lists = {}
        for p in (folder / "case_lists").glob("cases_*.txt"):
            meta = read_meta(p)
            self.case_lists[p.stem.removeprefix("cases_")] = meta
        self.ids = {k: set(v["case_list_ids"].split("\t")) for k, v in self.case_lists.items()}

        h, rows = read_table(folder / "data_CNA.txt")
        self.cna_samples = h[2:]
        self.cna = {r[0]: dict(zip(h[2:], r[2:], strict=True)) for n, r in rows}
        self.sv = []
        if (folder / "data_sv.txt").exists():
            h, rows = read_table(folder / "data_sv.txt")
            self.sv = [dict(zip(h, r, strict=True)) for n, r in rows]
        self.expr = {}
        expr_path = folder / "data_mrna_seq_v2_rsem_zscores_ref_all_samples.txt"
        if expr_path.exists():
            h, rows = read_table(expr_path)
            self.expr = {r[0]: dict(zip(h[2:], r[2:], strict=True)) for n, r in rows}

    def gene(self, row: dict[str, str]) -> str:
        return self.entrez_to_symbol.get(row["Entrez_Gene_Id"], row["Hugo_Symbol"])

    def on_panel(self, sample: str, profile: str, gene: str) -> bool:
        panel = self.matrix[sample].get(profile, "NA")
        return panel != "NA" and gene in self.panels[panel]

    def patient_of(self, sample: str) -> str:
        return self.samples[sample]["PATIENT_ID"]

    def mutated_patients(self, gene: str) -> set[str]:
        return {
            self.patient_of(r["Tumor_Sample_Barcode"])
            for _, r in self.maf_clean
            if self.gene(r) == gene and r["Variant_Classification"] in COUNTED_CLASSES
        }

    def mut_profiled_patients(self, gene: str) -> set[str]:
        return {
            self.patient_of(s) for s in self.ids["sequenced"] if self.on_panel(s, "mutations", gene)
        }

    def amplified_samples(self, gene: str) -> set[str]:
        return {s for s, v in self.cna[gene].items() if v == "2"}

    def cna_profiled_samples(self, gene: str) -> set[str]:
        return {
            s
            for s in self.ids["cna"]
            if self.on_panel(s, "cna", gene) and self.cna[gene][s] not in MISSING
        }

    def fusion_patients(self, gene: str) -> set[str]:
        return {
            self.patient_of(r["Sample_Id"])
            for r in self.sv
            if gene in (r["Site1_Hugo_Symbol"], r["Site2_Hugo_Symbol"])
        }

    def sv_profiled_patients(self, gene: str) -> set[str]:
        return {
            self.patient_of(s)
            for s in self.ids.get("sv", set())
            if self.on_panel(s, "structural_variants", gene)
        }


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def rate(hit: set[str], denominator: set[str]) -> float:
    assert denominator
    return len(hit & denominator) / len(denominator)


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, DemoManifest, float]:
    out = tmp_path_factory.mktemp("demo")
    start = time.perf_counter()
    manifest = write_demo_studies(out, seed=8534, n_patients=2000, scale="demo")
    return out, manifest, time.perf_counter() - start


@pytest.fixture(scope="module")
def study(demo) -> ParsedStudy:
    out, manifest, _ = demo
    bad = {(b.file, b.line) for b in manifest.bad_rows}
    return ParsedStudy(out / STUDY, bad)


# ------------------------------------------------------------------------------ API, speed


def test_manifest_and_speed(demo):
    out, manifest, elapsed = demo
    assert elapsed < 5.0
    assert manifest.study_dirs == [out / STUDY]
    assert manifest.seed == 8534 and manifest.scale == "demo"
    counts = manifest.row_counts[STUDY]
    assert counts["data_clinical_patient.txt"] == 2000
    assert counts["data_clinical_sample.txt"] >= 2000 + 1  # + the duplicated row
    assert not list(out.glob(".*partial"))


def test_row_counts_match_files(demo):
    out, manifest, _ = demo
    for name, count in manifest.row_counts[STUDY].items():
        _, rows = read_table(out / STUDY / name)
        assert len(rows) == count, name


def test_invalid_arguments(tmp_path):
    with pytest.raises(ValueError):
        write_demo_studies(tmp_path, scale="huge")
    with pytest.raises(ValueError):
        write_demo_studies(tmp_path, seed=-1)


# ------------------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_files(tmp_path):
    a = write_demo_studies(tmp_path / "a", seed=11, n_patients=600)
    b = write_demo_studies(tmp_path / "b", seed=11, n_patients=600)
    ha, hb = file_hashes(tmp_path / "a"), file_hashes(tmp_path / "b")
    assert ha == hb
    assert len(ha) >= len(REQUIRED_FILES) + 2  # + two gene panel files
    assert a.bad_rows == b.bad_rows and a.row_counts == b.row_counts


def test_different_seed_gives_different_files(tmp_path):
    write_demo_studies(tmp_path / "a", seed=11, n_patients=600)
    write_demo_studies(tmp_path / "b", seed=12, n_patients=600)
    ha, hb = file_hashes(tmp_path / "a"), file_hashes(tmp_path / "b")
    assert ha.keys() == hb.keys()
    for name in ("data_mutations.txt", "data_CNA.txt", "data_clinical_patient.txt"):
        assert ha[f"{STUDY}/{name}"] != hb[f"{STUDY}/{name}"]


def test_rewrite_replaces_study_folder(tmp_path):
    write_demo_studies(tmp_path, seed=3, n_patients=200)
    stray = tmp_path / STUDY / "stale.txt"
    stray.write_text("left over")
    write_demo_studies(tmp_path, seed=3, n_patients=200)
    assert not stray.exists()


# ------------------------------------------------------------------------------ format


def test_required_files_present(demo):
    out, _, _ = demo
    for name in REQUIRED_FILES:
        assert (out / STUDY / name).is_file(), name
    for panel in ("H2L_WES_V2", "H2L_HOTSPOT_V1"):
        assert (out / STUDY / f"data_gene_panel_{panel}.txt").is_file()


def test_every_data_row_has_header_width(demo):
    folder = demo[0] / STUDY
    for path in folder.glob("data_*.txt"):
        if path.name.startswith("data_gene_panel_") and path.name != "data_gene_panel_matrix.txt":
            continue
        header, rows = read_table(path)
        assert len(header) > 1, path.name
        bad = [n for n, r in rows if len(r) != len(header)]
        assert not bad, (path.name, bad[:5])


def test_clinical_files_have_four_hash_lines(demo):
    folder = demo[0] / STUDY
    for name in ("data_clinical_patient.txt", "data_clinical_sample.txt"):
        lines = (folder / name).read_text(encoding="utf-8").split("\n")
        leading = 0
        while lines[leading].startswith("#"):
            leading += 1
        assert leading == 4, name
        widths = {len(line.split("\t")) for line in lines[:5]}
        assert len(widths) == 1, name
        assert lines[2].lstrip("#").split("\t")[0] == "STRING"
    assert (folder / "data_mutations.txt").read_text().startswith("#version 2.4\n")


def test_meta_files(demo):
    folder = demo[0] / STUDY
    study = read_meta(folder / "meta_study.txt")
    assert study["type_of_cancer"] == "nsclc"
    assert study["cancer_study_identifier"] == STUDY
    assert study["reference_genome"] == "hg19"
    assert study["name"] and study["description"]
    for name, (alteration, datatype) in META_KEYS.items():
        meta = read_meta(folder / name)
        for key in PROFILE_META_FIELDS:
            assert meta.get(key), (name, key)
        assert meta["cancer_study_identifier"] == STUDY
        assert (meta["genetic_alteration_type"], meta["datatype"]) == (alteration, datatype)
        assert (folder / meta["data_filename"]).is_file()
    for path in folder.glob("meta_*.txt"):
        meta = read_meta(path)
        if "data_filename" in meta:
            assert (folder / meta["data_filename"]).is_file(), path.name


def test_case_lists(study):
    samples = set(study.samples)
    expected_categories = {
        "all": "all_cases_in_study",
        "sequenced": "all_cases_with_mutation_data",
        "cna": "all_cases_with_cna_data",
        "cnaseq": "all_cases_with_mutation_and_cna_data",
        "sv": "all_cases_with_sv_data",
        "rna_seq_v2_mrna": "all_cases_with_mrna_rnaseq_data",
    }
    for suffix, category in expected_categories.items():
        meta = study.case_lists[suffix]
        assert meta["cancer_study_identifier"] == STUDY
        assert meta["stable_id"] == f"{STUDY}_{suffix}"
        assert meta["case_list_category"] == category
        assert meta["case_list_name"] and meta["case_list_description"]
        assert study.ids[suffix] <= samples
    assert study.ids["all"] == samples
    assert study.ids["cnaseq"] == study.ids["sequenced"] & study.ids["cna"]
    assert study.ids["cna"] == set(study.cna_samples)
    assert study.ids["rna_seq_v2_mrna"] == set(next(iter(study.expr.values())))
    n = len(samples)
    assert 0.85 < len(study.ids["cna"]) / n < 0.95
    assert 0.62 < len(study.ids["rna_seq_v2_mrna"]) / n < 0.78


def test_patients_and_samples(study):
    n_patients = len(study.patients)
    assert n_patients == 2000
    per_patient = Counter(r["PATIENT_ID"] for r in study.samples.values())
    assert set(per_patient) == set(study.patients)
    multi = sum(1 for c in per_patient.values() if c == 2)
    assert 0.03 < multi / n_patients < 0.07
    assert max(per_patient.values()) == 2
    types = Counter(r["SAMPLE_TYPE"] for r in study.samples.values())
    assert types["Metastasis"] == multi
    codes = Counter(r["ONCOTREE_CODE"] for r in study.samples.values())
    assert 0.75 < codes["LUAD"] / len(study.samples) < 0.85
    assert {"LUSC", "NSCLC", "LUAS"} <= set(codes)
    assert {r["SEX"] for r in study.patients.values()} == {"Male", "Female"}
    stages = Counter(r["STAGE"] for r in study.patients.values())
    assert {"Stage IA", "Stage IIB", "Stage IV"} <= set(stages)
    texts = Counter(r["SMOKING_HISTORY"] for r in study.patients.values())
    assert set(texts) <= set(SMOKING) | MISSING
    assert set(texts) >= MISSING


# ------------------------------------------------------------------------------ planted rows


def test_planted_bad_rows_are_where_the_manifest_says(demo):
    out, manifest, _ = demo
    assert len(manifest.bad_rows) == 8
    assert len({b.reason for b in manifest.bad_rows}) == 8
    for bad in manifest.bad_rows:
        assert bad.study == STUDY
        header, rows = read_table(out / STUDY / bad.file)
        cells = dict(rows)[bad.line]
        assert dict(zip(header, cells, strict=True))[bad.column] == bad.value, bad


def test_planted_bad_rows_have_the_planted_values(demo, study):
    out, manifest, _ = demo
    by_reason = {b.reason: b for b in manifest.bad_rows}
    folder = out / STUDY

    def cell(bad):
        header, rows = read_table(folder / bad.file)
        line = {n: r for n, r in rows}[bad.line]
        return dict(zip(header, line, strict=True))[bad.column]

    assert cell(by_reason["negative OS_MONTHS"]) == "-3.2"
    assert cell(by_reason["unparsable OS_MONTHS"]) == "abc"
    assert cell(by_reason["unknown OS_STATUS"]) == "2:MAYBE"
    ghost = by_reason["sample not in the sample file"]
    assert cell(ghost) not in study.samples
    assert cell(by_reason["unknown Variant_Classification"]) == "Missense_Mutaton"
    nogene = by_reason["no gene (empty Hugo_Symbol, Entrez_Gene_Id 0)"]
    header, rows = read_table(folder / nogene.file)
    row = dict(zip(header, {n: r for n, r in rows}[nogene.line], strict=True))
    assert row["Hugo_Symbol"] == "" and row["Entrez_Gene_Id"] in {"", "0"}
    cna = by_reason["CNA value not allowed"]
    gene = read_table(folder / cna.file)[1][cna.line - 2][1][0]
    assert study.cna[gene][cna.column] == "3"
    dup = by_reason["duplicate SAMPLE_ID"]
    ids = Counter(r["SAMPLE_ID"] for _, r in study.sample_rows)
    assert [s for s, c in ids.items() if c > 1] == [dup.value]
    assert [n for n, r in study.sample_rows if r["SAMPLE_ID"] == dup.value][-1] == dup.line


def test_everything_else_is_clean(demo, study):
    """Outside the planted rows: valid codes, numbers, ids and CNA values."""
    _, manifest, _ = demo
    bad_lines = {(b.file, b.line) for b in manifest.bad_rows}
    for pid, row in study.patients.items():
        line = study.patient_lines[pid]
        if ("data_clinical_patient.txt", line) in bad_lines:
            continue
        assert row["OS_STATUS"] in {"0:LIVING", "1:DECEASED"} | MISSING
        if row["OS_MONTHS"] not in MISSING:
            assert float(row["OS_MONTHS"]) >= 0
        if row["AGE"] not in MISSING:
            assert 18 <= int(row["AGE"]) <= 100
    for _, row in study.maf_clean:
        assert row["Tumor_Sample_Barcode"] in study.samples
        assert row["Variant_Classification"] in COUNTED_CLASSES | NOT_COUNTED_CLASSES
        assert row["Hugo_Symbol"] and row["Entrez_Gene_Id"] not in {"", "0"}
        assert int(row["Start_Position"]) <= int(row["End_Position"])
        assert int(row["t_alt_count"]) > 0 and int(row["t_ref_count"]) >= 0
    keys = Counter(
        (r["Tumor_Sample_Barcode"], r["Chromosome"], r["Start_Position"], r["Tumor_Seq_Allele2"])
        for _, r in study.maf_clean
    )
    assert max(keys.values()) == 1
    values = Counter(v for gene in study.cna.values() for v in gene.values())
    assert set(values) == {"-2", "-1", "0", "1", "2", "NA", "3"}
    assert values["3"] == 1
    for r in study.sv:
        assert r["Sample_Id"] in study.samples and r["SV_Status"] == "SOMATIC"
    for gene, row in study.expr.items():
        for v in row.values():
            assert v == "NA" or len(v.split(".")[1]) == 4, gene


def test_special_rows(demo, study):
    _, manifest, _ = demo
    lines = {n: r for n, r in study.maf}
    aliases = [s for s in manifest.special_rows if s.reason == "alias symbol for ERBB2"]
    assert {s.value for s in aliases} == {"HER2", "NEU"}
    for s in aliases:
        assert lines[s.line]["Hugo_Symbol"] == s.value
        assert lines[s.line]["Entrez_Gene_Id"] == ENTREZ_ERBB2
        assert lines[s.line]["Chromosome"] == "17"
    erbb2ip = [s for s in manifest.special_rows if s.value == "ERBB2IP"]
    assert erbb2ip
    for s in erbb2ip:
        assert lines[s.line]["Entrez_Gene_Id"] == "55914"
        assert lines[s.line]["Chromosome"] == "5"
    n_alias = sum(1 for _, r in study.maf if r["Hugo_Symbol"] in {"HER2", "NEU"})
    assert n_alias == len(aliases)
    # ERBB2 also has rows that must not count
    assert any(
        study.gene(r) == "ERBB2" and r["Variant_Classification"] in NOT_COUNTED_CLASSES
        for _, r in study.maf_clean
    )


def test_unmutated_sequenced_samples(demo, study):
    _, manifest, _ = demo
    empty = manifest.unmutated_sequenced_samples[STUDY]
    assert 3 <= len(empty) <= 60
    with_rows = {r["Tumor_Sample_Barcode"] for _, r in study.maf}
    for s in empty:
        assert s in study.ids["sequenced"] and s not in with_rows
    assert study.ids["sequenced"] - with_rows == set(empty)


# ------------------------------------------------------------------------------ panels


def test_no_alteration_outside_the_sample_panel(study):
    panel_use = Counter(m["mutations"] for m in study.matrix.values())
    assert set(panel_use) == {"H2L_WES_V2", "H2L_HOTSPOT_V1", "NA"}
    assert "ERBB2" in study.panels["H2L_WES_V2"]
    assert "ERBB2" not in study.panels["H2L_HOTSPOT_V1"]
    assert 0.06 < panel_use["H2L_HOTSPOT_V1"] / len(study.matrix) < 0.14
    for _, r in study.maf_clean:
        sample = r["Tumor_Sample_Barcode"]
        assert sample in study.ids["sequenced"]
        assert study.on_panel(sample, "mutations", study.gene(r)), r
    for gene, row in study.cna.items():
        for sample, value in row.items():
            if not study.on_panel(sample, "cna", gene):
                assert value == "NA", (gene, sample)
    for r in study.sv:
        assert r["Sample_Id"] in study.ids["sv"]
        sites = {r["Site1_Hugo_Symbol"], r["Site2_Hugo_Symbol"]}
        assert any(study.on_panel(r["Sample_Id"], "structural_variants", g) for g in sites)
    for sample, m in study.matrix.items():
        assert (m["mutations"] != "NA") == (sample in study.ids["sequenced"])
        assert (m["cna"] != "NA") == (sample in study.ids["cna"])
        assert (m["structural_variants"] != "NA") == (sample in study.ids["sv"])


# ------------------------------------------------------------------------------ frequencies


def test_luad_driver_frequencies(study):
    luad = study.luad
    assert 1450 < len(luad) < 1750

    def mut_rate(gene):
        return rate(study.mutated_patients(gene), study.mut_profiled_patients(gene) & luad)

    assert 0.25 <= mut_rate("KRAS") <= 0.35
    assert 0.11 <= mut_rate("EGFR") <= 0.19
    assert 0.015 <= mut_rate("ERBB2") <= 0.040
    assert 0.38 <= mut_rate("TP53") <= 0.52
    assert 0.10 <= mut_rate("STK11") <= 0.21
    assert 0.10 <= mut_rate("KEAP1") <= 0.21
    alk = rate(study.fusion_patients("ALK"), study.sv_profiled_patients("ALK") & luad)
    assert 0.025 <= alk <= 0.060
    luad_samples = {s for s, r in study.samples.items() if r["ONCOTREE_CODE"] == "LUAD"}
    amp = rate(study.amplified_samples("ERBB2"), study.cna_profiled_samples("ERBB2") & luad_samples)
    assert 0.008 <= amp <= 0.025
    # the LUAD filter matters: squamous tumours rarely carry these drivers
    kras_lusc = rate(
        study.mutated_patients("KRAS"), study.mut_profiled_patients("KRAS") & study.lusc
    )
    assert kras_lusc < mut_rate("KRAS") / 2


def test_erbb2_details(study):
    erbb2 = [r for _, r in study.maf_clean if study.gene(r) == "ERBB2"]
    counted = [r for r in erbb2 if r["Variant_Classification"] in COUNTED_CLASSES]
    ins = [r for r in counted if r["Variant_Classification"] == "In_Frame_Ins"]
    assert len(ins) / len(counted) > 0.45  # mostly exon-20 insertions
    for r in ins:
        assert 37880900 < int(r["Start_Position"]) < 37881100  # exon 20, GRCh37
        first = int(r["Protein_position"].split("-")[0])
        assert 770 <= first <= 831
    hgvsp = {r["HGVSp_Short"] for r in counted}
    assert "p.Y772_A775dup" in hgvsp and len(hgvsp) >= 4
    assert any(h.startswith("p.S310") for h in hgvsp)  # extracellular domain
    for r in erbb2:
        assert r["Chromosome"] == "17" and 37844167 <= int(r["Start_Position"]) <= 37886679
    # 17q12 neighbours are co-amplified with ERBB2
    amp = study.amplified_samples("ERBB2")
    assert amp
    grb7 = sum(1 for s in amp if study.cna["GRB7"][s] == "2")
    assert grb7 / len(amp) > 0.7
    # ERBB2 expression is high in amplified samples that have expression data
    zs = [float(study.expr["ERBB2"][s]) for s in amp if s in study.expr["ERBB2"]]
    assert zs and min(zs) >= 2.0


def test_smoking_and_erbb2_enrichment(study):
    luad = study.luad
    known = {p for p in luad if study.patients[p]["SMOKING_HISTORY"] not in MISSING}
    never = {p for p in known if SMOKING[study.patients[p]["SMOKING_HISTORY"]] == "never"}
    assert 0.17 <= len(never) / len(known) <= 0.32
    profiled = study.mut_profiled_patients("ERBB2") & luad
    erbb2 = study.mutated_patients("ERBB2") | {
        study.patient_of(s) for s in study.amplified_samples("ERBB2")
    }
    ever = known - never
    assert rate(erbb2, profiled & never) > 2 * rate(erbb2, profiled & ever)
    drivers = (
        study.mutated_patients("KRAS")
        | study.mutated_patients("EGFR")
        | study.fusion_patients("ALK")
    )
    other = profiled - drivers
    assert 0.04 <= rate(erbb2, other) <= 0.11


def test_mutation_rows_per_sample(study):
    per_sample = Counter(r["Tumor_Sample_Barcode"] for _, r in study.maf_clean)
    large = [s for s, m in study.matrix.items() if m["mutations"] == "H2L_WES_V2"]
    mean = sum(per_sample[s] for s in large) / len(large)
    assert 8 <= mean <= 15
    classes = Counter(r["Variant_Classification"] for _, r in study.maf_clean)
    not_counted = sum(classes[c] for c in NOT_COUNTED_CLASSES) / sum(classes.values())
    assert 0.12 <= not_counted <= 0.30


# ------------------------------------------------------------------------------ survival


def km_median(times_events: list[tuple[float, bool]]) -> float:
    at_risk = len(times_events)
    surv = 1.0
    for t, e in sorted(times_events, key=lambda x: (x[0], not x[1])):
        if e:
            surv *= 1 - 1 / at_risk
            if surv <= 0.5:
                return t
        at_risk -= 1
    return math.inf


def test_survival_shape_and_planted_effect(demo, study):
    _, manifest, _ = demo
    bad = {b.line for b in manifest.bad_rows if b.file == "data_clinical_patient.txt"}
    data = {}
    for pid, r in study.patients.items():
        if study.patient_lines[pid] in bad:
            continue
        if r["OS_STATUS"] in MISSING or r["OS_MONTHS"] in MISSING:
            continue
        data[pid] = (float(r["OS_MONTHS"]), r["OS_STATUS"] == "1:DECEASED")
    assert len(data) > 0.95 * len(study.patients)
    censored = sum(1 for _, e in data.values() if not e) / len(data)
    assert 0.40 <= censored <= 0.60
    assert 20 <= km_median(list(data.values())) <= 45

    high = defaultdict(bool)
    for sample, z in study.expr["ERBB2"].items():
        if z != "NA" and float(z) >= 2:
            high[study.patient_of(sample)] = True
    never = {p for p, r in study.patients.items() if SMOKING.get(r["SMOKING_HISTORY"]) == "never"}
    group = {p for p in data if p in never and high[p]}
    rest = set(data) - group
    assert len(group) >= 15

    def hazard(patients):
        events = sum(1 for p in patients if data[p][1])
        exposure = sum(data[p][0] for p in patients)
        return events / exposure

    assert hazard(group) / hazard(rest) > 1.7


# ------------------------------------------------------------------------------ multi-study


def test_small_scale_multi_study(tmp_path):
    manifest = write_demo_studies(tmp_path, seed=5, scale="small")
    assert len(manifest.study_dirs) == 4
    assert 2500 <= manifest.n_samples <= 3500
    panels_without = {"ERBB2": 0, "ALK": 0}
    for folder in manifest.study_dirs:
        sid = folder.name
        bad = {(b.file, b.line) for b in manifest.bad_rows if b.study == sid}
        assert len(bad) == 8
        parsed = ParsedStudy(folder, bad)
        for gene in panels_without:
            panels_without[gene] += sum(1 for g in parsed.panels.values() if gene not in g)
        for _, r in parsed.maf_clean:
            assert parsed.on_panel(r["Tumor_Sample_Barcode"], "mutations", parsed.gene(r))
        for path in folder.glob("data_*.txt"):
            if path.name.startswith("data_gene_panel_") and "matrix" not in path.name:
                continue
            header, rows = read_table(path)
            assert all(len(r) == len(header) for _, r in rows), path
        assert read_meta(folder / "meta_study.txt")["cancer_study_identifier"] == sid
        assert manifest.row_counts[sid]["data_clinical_patient.txt"] == len(parsed.patients)
    assert panels_without["ERBB2"] >= 1 and panels_without["ALK"] >= 1


def test_multi_study_scales_take_a_size(tmp_path):
    """--samples / --studies: a GENIE-like layout of any size, deterministic, centres sized as
    in GENIE (the first the largest)."""
    a = write_demo_studies(tmp_path / "a", seed=5, scale="genie", n_samples=1_500, n_studies=3)
    b = write_demo_studies(tmp_path / "b", seed=5, scale="genie", n_samples=1_500, n_studies=3)
    assert [p.name for p in a.study_dirs] == [
        "her2lung_genie_msk",
        "her2lung_genie_dfci",
        "her2lung_genie_mda",
    ]
    assert 1_350 <= a.n_samples <= 1_650
    assert file_hashes(tmp_path / "a") == file_hashes(tmp_path / "b")
    assert a.row_counts == b.row_counts and a.bad_rows == b.bad_rows
    sizes = [a.row_counts[p.name]["data_clinical_sample.txt"] for p in a.study_dirs]
    assert sizes == sorted(sizes, reverse=True)
    bigger = write_demo_studies(tmp_path / "c", seed=5, scale="genie", n_samples=3_000, n_studies=3)
    assert 2_700 <= bigger.n_samples <= 3_300
    least = write_demo_studies(tmp_path / "d", seed=5, scale="small", n_samples=2_020, n_studies=20)
    assert len(least.study_dirs) == 20 and 1_900 <= least.n_samples <= 2_150


def test_size_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="n_studies must be 1 to 20"):
        write_demo_studies(tmp_path, scale="small", n_studies=21)
    with pytest.raises(ValueError, match="at least 145 for 3 studies"):
        write_demo_studies(tmp_path, scale="small", n_samples=144, n_studies=3)
    with pytest.raises(ValueError, match="at least 2020 for 20 studies"):
        write_demo_studies(tmp_path, scale="small", n_samples=400, n_studies=20)
    with pytest.raises(ValueError, match="multi-study scales"):
        write_demo_studies(tmp_path, scale="demo", n_samples=5_000)
    assert not any(tmp_path.iterdir())  # nothing written
