"""The floor: marts.erbb2_prevalence computed by a hand-written, plain-DuckDB script.

No dbt, no raw/staging layers, no quarantine tables, no tests: each file is read once with
DuckDB's CSV reader (the wide CNA file line by line, only its ERBB2 row split into cells),
and the rules that decide the prevalence table are applied in one SQL pass. It follows the
warehouse's rules (see the model docs): Entrez-first gene resolution with exact aliases, the
panel > case list > data file profiling order, three-valued flags, driver cohorts with
'multiple', patient roll-up over all of a patient's samples, population by OncoTree LUAD. The
row-level checks kept are those that can change a count here: invalid or duplicate sample
ids, unknown samples, unknown Variant_Classification, non-integer positions, invalid CNA
values, a second row for the same CNA gene, duplicate gene panel matrix rows.

Usage: python benchmarks/prevalence_duckdb.py STUDIES_DIR [OUT.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

from her2lung.stats import prevalence_ci

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DRIVER_GENES = ("KRAS", "EGFR", "ALK", "ERBB2")


def _meta(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            out.setdefault(key.strip(), value.strip())
    return out


def _leading_comment_lines(path: Path) -> int:
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            n += 1
    return n


def discover(studies_dir: Path) -> pd.DataFrame:
    """One row per (study, kind, path): the data files each study's meta files declare,
    plus gene panel files and case lists."""
    kinds = {
        ("CLINICAL", "SAMPLE_ATTRIBUTES"): "clinical_sample",
        ("MUTATION_EXTENDED", "MAF"): "mutations",
        ("COPY_NUMBER_ALTERATION", "DISCRETE"): "cna",
        ("STRUCTURAL_VARIANT", "SV"): "sv",
        ("GENE_PANEL_MATRIX", "GENE_PANEL_MATRIX"): "panel_matrix",
    }
    rows = []
    for folder in sorted(p for p in studies_dir.iterdir() if p.is_dir()):
        if not (folder / "meta_study.txt").exists():
            continue
        study_id = _meta(folder / "meta_study.txt").get("cancer_study_identifier")
        declared = set()
        for meta_file in sorted(folder.glob("meta_*.txt")):
            meta = _meta(meta_file)
            key = (
                meta.get("genetic_alteration_type", "").upper(),
                meta.get("datatype", "").upper(),
            )
            if key in kinds and meta.get("data_filename"):
                path = folder / meta["data_filename"]
                declared.add(path.name)
                if path.exists():
                    rows.append((study_id, kinds[key], str(path)))
        for path in sorted(folder.iterdir()):
            if (
                path.is_file()
                and "gene_panel" in path.name.lower()
                and path.name not in declared
                and not path.name.lower().startswith("meta_")
            ):
                rows.append((study_id, "gene_panel", str(path)))
        for path in sorted((folder / "case_lists").glob("*.txt")):
            rows.append((study_id, "case_list", str(path)))
    return pd.DataFrame(rows, columns=["study_id", "kind", "path"])


def _header(path: str, skip: int) -> set[str]:
    with open(path, encoding="utf-8") as f:
        for _ in range(skip):
            f.readline()
        return {c.strip().lower() for c in f.readline().rstrip("\r\n").split("\t")}


def _tsv(path: str, skip: int, columns: list[str] | None = None, ordered: bool = False) -> str:
    """A DuckDB read_csv call for a plain TSV file (all text, no quoting); `columns` absent
    from the header come back NULL. `ordered`: read on one thread and number the rows
    (`line_no`), for first-occurrence rules; otherwise the reader runs in parallel."""
    if columns is None:
        sel = "*"
    else:
        present = _header(path, skip)
        sel = ", ".join(
            f'"{c}"' if c.lower() in present else f'null::varchar as "{c}"' for c in columns
        )
    numbered = ", row_number() over () as line_no" if ordered else ""
    return (
        f"(select {sel}{numbered} from read_csv('{path}', delim = '\\t', "
        f"header = true, quote = '', escape = '', all_varchar = true, skip = {skip}, "
        f"normalize_names = false, null_padding = true, strict_mode = false, parallel = {ordered is False}))"
    )


def prevalence(studies_dir: Path | str, population: str = "luad") -> pd.DataFrame:
    studies_dir = Path(studies_dir).resolve()
    files = discover(studies_dir)
    con = duckdb.connect()
    for seed in (
        "oncotree_codes",
        "variant_classifications",
        "gene_aliases",
        "missing_value_tokens",
    ):
        con.execute(
            f"create table {seed} as select * from read_csv('{SEEDS / seed}.csv', header = true)"
        )
    tokens = ", ".join(
        "'" + t.upper().replace("'", "''") + "'"
        for t in pd.read_csv(SEEDS / "missing_value_tokens.csv", keep_default_na=False)["token"]
    )
    con.execute(f"""
        create table alias_by_entrez as
        select entrez_gene_id, max(hugo_symbol) as gene from gene_aliases
        where upper(trim(symbol)) = upper(hugo_symbol) group by entrez_gene_id;
        create table alias_by_symbol as
        select upper(trim(symbol)) as symbol, max(hugo_symbol) as gene from gene_aliases
        group by upper(trim(symbol));
        create macro clean(x) as
            case when trim(x) = '' or upper(trim(x)) in ({tokens}) then null else trim(x) end;
        create macro resolved(p_symbol, p_entrez) as coalesce(
            (select gene from alias_by_entrez a where a.entrez_gene_id = try_cast(p_entrez as bigint)),
            (select gene from alias_by_symbol s where s.symbol = upper(trim(p_symbol))),
            nullif(trim(p_symbol), ''));
    """)

    def of_kind(kind):
        return files[files["kind"] == kind].itertuples(index=False)

    # clinical samples: first valid occurrence of each sample id per study
    sample_columns = [
        "SAMPLE_ID",
        "PATIENT_ID",
        "ONCOTREE_CODE",
        "CANCER_TYPE",
        "CANCER_TYPE_DETAILED",
    ]
    parts = [
        f"select '{f.study_id}' as study_id, * from "
        + _tsv(f.path, _leading_comment_lines(Path(f.path)), sample_columns, ordered=True)
        for f in of_kind("clinical_sample")
    ]
    con.execute(f"""
        create table samples as
        with rows as (
            select study_id, line_no, clean("SAMPLE_ID") as sample_id, clean("PATIENT_ID") as patient_id,
                upper(clean("ONCOTREE_CODE")) as oncotree_code,
                clean("CANCER_TYPE") as cancer_type,
                clean("CANCER_TYPE_DETAILED") as cancer_type_detailed
            from ({" union all by name ".join(parts)})
        ),
        valid as (
            select * from rows
            where sample_id is not null and patient_id is not null
                and regexp_full_match(sample_id, '[A-Za-z0-9._-]+')
                and regexp_full_match(patient_id, '[A-Za-z0-9._-]+')
            qualify row_number() over (partition by study_id, sample_id order by line_no) = 1
        )
        select valid.study_id, valid.sample_id, valid.patient_id,
            coalesce(o.is_luad, valid.oncotree_code is null
                and lower(valid.cancer_type_detailed) = 'lung adenocarcinoma', false) as is_luad,
            coalesce(o.is_nsclc, valid.oncotree_code is null
                and (lower(valid.cancer_type_detailed) = 'lung adenocarcinoma'
                    or lower(valid.cancer_type) = 'non-small cell lung cancer'), false) as is_nsclc
        from valid left join oncotree_codes o on valid.oncotree_code = o.oncotree_code
    """)

    # mutations: accepted MAF rows of the driver genes (and legacy Fusion rows)
    maf_columns = [
        "Tumor_Sample_Barcode",
        "Hugo_Symbol",
        "Entrez_Gene_Id",
        "Variant_Classification",
        "Start_Position",
        "End_Position",
    ]
    parts = [
        f"select '{f.study_id}' as study_id, * from "
        + _tsv(f.path, _leading_comment_lines(Path(f.path)), maf_columns)
        for f in of_kind("mutations")
    ]
    empty_maf = "select null::varchar as study_id, null::varchar as sample_id, null::varchar as gene, null::boolean as is_nonsynonymous, null::boolean as is_fusion where false"
    con.execute(f"""
        create table mutations as
        with rows as (
            -- (a missing-value token never matches a valid sample id, so ids need no cleaning)
            select study_id, trim("Tumor_Sample_Barcode") as sample_id,
                clean("Hugo_Symbol") as hugo, clean("Entrez_Gene_Id") as entrez,
                nullif(trim("Variant_Classification"), '') as vc,
                trim("Start_Position") as start_raw, trim("End_Position") as end_raw
            from ({" union all ".join(parts) if parts else empty_maf})
        )
        select rows.study_id, rows.sample_id,
            coalesce(by_entrez.gene, by_symbol.gene, nullif(trim(rows.hugo), '')) as gene,
            v.is_nonsynonymous, v.is_fusion
        from rows
        inner join variant_classifications v on lower(rows.vc) = lower(v.variant_classification)
        inner join samples s on rows.study_id = s.study_id and rows.sample_id = s.sample_id
        left join alias_by_entrez by_entrez on by_entrez.entrez_gene_id = try_cast(rows.entrez as bigint)
        left join alias_by_symbol by_symbol on by_symbol.symbol = upper(trim(rows.hugo))
        where (rows.hugo is not null or nullif(try_cast(rows.entrez as bigint), 0) is not null)
            and (rows.entrez is null or rows.entrez = '0'
                or (regexp_full_match(rows.entrez, '[+-]?[0-9]+') and try_cast(rows.entrez as bigint) > 0))
            and (regexp_full_match(rows.start_raw, '[+-]?[0-9]+') or clean(rows.start_raw) is null)
            and (regexp_full_match(rows.end_raw, '[+-]?[0-9]+') or clean(rows.end_raw) is null)
    """)

    # structural variants: ALK at either site
    sv_columns = [
        "Sample_Id",
        "Site1_Hugo_Symbol",
        "Site1_Entrez_Gene_Id",
        "Site2_Hugo_Symbol",
        "Site2_Entrez_Gene_Id",
    ]
    parts = [
        f"select '{f.study_id}' as study_id, * from "
        + _tsv(f.path, _leading_comment_lines(Path(f.path)), sv_columns)
        for f in of_kind("sv")
    ]
    if parts:
        con.execute(f"""
            create table fusions as
            with rows as (
                select study_id, clean("Sample_Id") as sample_id,
                    clean("Site1_Hugo_Symbol") as s1, clean("Site1_Entrez_Gene_Id") as e1,
                    clean("Site2_Hugo_Symbol") as s2, clean("Site2_Entrez_Gene_Id") as e2
                from ({" union all by name ".join(parts)})
            ),
            known as (
                select rows.* from rows
                inner join samples s on rows.study_id = s.study_id and rows.sample_id = s.sample_id
            )
            select study_id, sample_id, resolved(s1, e1) as gene from known
            where s1 is not null or nullif(try_cast(e1 as bigint), 0) is not null
            union all
            select study_id, sample_id, resolved(s2, e2) from known
            where (s2 is not null or nullif(try_cast(e2 as bigint), 0) is not null)
                and coalesce(s2, '') <> coalesce(s1, '')
        """)
    else:
        con.execute("create table fusions (study_id varchar, sample_id varchar, gene varchar)")

    # wide CNA: header samples, gene rows, and the ERBB2 row's cells
    con.execute(
        "create table cna_samples (study_id varchar, sample_id varchar);"
        "create table cna_genes (study_id varchar, gene varchar);"
        "create table amplified (study_id varchar, sample_id varchar)"
    )
    for f in of_kind("cna"):
        con.execute(f"""
            create or replace temp table lines as
            select row_number() over () as line_no, line from read_csv('{f.path}', header = false,
                columns = {{'line': 'VARCHAR'}}, delim = chr(31) || chr(30), quote = '', escape = '',
                auto_detect = false, parallel = false, max_line_size = 67108864)
            where line is not null and not starts_with(line, '#') and trim(line) <> ''
        """)
        con.execute(f"""
            create or replace temp table header as
            select list_transform(string_split(line, chr(9)), lambda x: trim(x)) as names
            from lines order by line_no limit 1;
            create or replace temp table gene_rows as
            select line_no, line, resolved(
                trim(string_split(line, chr(9))[list_position(list_transform(h.names, lambda x: lower(x)), 'hugo_symbol')]),
                trim(string_split(line, chr(9))[list_position(list_transform(h.names, lambda x: lower(x)), 'entrez_gene_id')])
            ) as gene
            from lines, header h where line_no > (select min(line_no) from lines);
            insert into cna_genes select distinct '{f.study_id}', gene from gene_rows where gene is not null;
            insert into cna_samples
            select distinct '{f.study_id}', name from (select unnest(names) as name from header)
            where lower(name) not in ('hugo_symbol', 'entrez_gene_id', 'cytoband') and name <> '';
            insert into amplified
            with erbb2 as (
                select string_split(line, chr(9)) as cells from gene_rows
                where gene = 'ERBB2' order by line_no limit 1
            ),
            cells as (
                select h.names[i] as sample_id, trim(erbb2.cells[i]) as value
                from erbb2, header h, range(1, len(h.names) + 1) as r(i)
                where len(erbb2.cells) = len(h.names)
                    and lower(h.names[i]) not in ('hugo_symbol', 'entrez_gene_id', 'cytoband')
            )
            select '{f.study_id}', cells.sample_id from cells
            inner join samples s on s.study_id = '{f.study_id}' and s.sample_id = cells.sample_id
            where try_cast(cells.value as double) = 2
        """)

    # gene panel matrix: first row per sample, panel per alteration kind
    parts = [
        f"unpivot (select '{f.study_id}' as study_id, * exclude (line_no), line_no from "
        + _tsv(f.path, _leading_comment_lines(Path(f.path)), ordered=True)
        + ") on columns(* exclude (study_id, SAMPLE_ID, line_no)) into name profile value panel".replace(
            "unpivot (", "unpivot include nulls (", 1
        )
        for f in of_kind("panel_matrix")
    ]
    if parts:
        con.execute(f"""
            create table panel_assignments as
            with rows as (
                select study_id, trim("SAMPLE_ID") as sample_id, line_no, lower(trim(profile)) as profile,
                    nullif(nullif(trim(panel), ''), 'NA') as panel
                from ({" union all by name ".join(parts)})
            ),
            first_rows as (
                select rows.* from rows
                inner join samples s on rows.study_id = s.study_id and rows.sample_id = s.sample_id
                qualify row_number() over (partition by rows.study_id, rows.sample_id, rows.profile order by line_no) = 1
            )
            select study_id, sample_id,
                case
                    when profile like '%mutation%' then 'mutation'
                    when profile in ('cna', 'gistic') or profile like '%cna%' or profile like '%gistic%' then 'copy_number'
                    when profile like '%structural%' or profile like '%fusion%' or profile = 'sv' then 'structural_variant'
                end as alteration_type,
                max(panel) as panel
            from first_rows
            group by all
            having alteration_type is not null
        """)
    else:
        con.execute(
            "create table panel_assignments (study_id varchar, sample_id varchar, alteration_type varchar, panel varchar)"
        )

    # gene panels and case lists (small text files)
    panel_rows, list_rows = [], []
    for f in of_kind("gene_panel"):
        meta = _meta(Path(f.path))
        for gene in meta.get("gene_list", "").split("\t"):
            if meta.get("stable_id") and gene.strip():
                panel_rows.append((meta["stable_id"], gene.strip()))
    owners = {}
    for f in of_kind("case_list"):
        meta = _meta(Path(f.path))
        list_id = meta.get("stable_id")
        if not list_id or owners.setdefault((f.study_id, list_id), f.path) != f.path:
            continue
        for sample in meta.get("case_list_ids", "").split("\t"):
            if sample.strip():
                list_rows.append((f.study_id, list_id, sample.strip()))
    con.register("panel_gene_rows", pd.DataFrame(panel_rows, columns=["panel", "gene"]))
    con.register(
        "case_list_rows", pd.DataFrame(list_rows, columns=["study_id", "list_id", "sample_id"])
    )
    kinds = files.groupby("study_id")["kind"].agg(set).to_dict()
    con.register(
        "study_files",
        pd.DataFrame(
            [
                (
                    s,
                    "mutations" in k,
                    "cna" in k,
                    "sv" in k,
                )
                for s, k in kinds.items()
            ],
            columns=["study_id", "has_mutation_file", "has_cna_file", "has_sv_file"],
        ),
    )
    genes = "', '".join(DRIVER_GENES)
    con.execute("""
        create table profiling as
        with panel_genes as (
            select distinct panel,
                resolved(case when regexp_full_match(gene, '[+-]?[0-9]+') then null else upper(gene) end,
                         case when regexp_full_match(gene, '[+-]?[0-9]+') then gene end) as gene
            from panel_gene_rows
        ),
        lists as (
            select distinct c.study_id, c.sample_id,
                case
                    when list_id like '%\\_sequenced' escape '\\' then 'sequenced'
                    when list_id like '%\\_cnaseq' escape '\\' then 'cnaseq'
                    when list_id like '%\\_cna' escape '\\' then 'cna'
                    when list_id like '%\\_sv' escape '\\' or list_id like '%\\_structural\\_variants' escape '\\' then 'sv'
                    else 'other'
                end as role
            from case_list_rows c
            inner join samples s on c.study_id = s.study_id and c.sample_id = s.sample_id
        ),
        study_roles as (
            select study_id, bool_or(role = 'sequenced') as has_seq, bool_or(role = 'cna') as has_cna,
                bool_or(role = 'sv') as has_sv
            from lists group by study_id
        ),
        sample_roles as (
            select study_id, sample_id, bool_or(role = 'sequenced') as in_seq,
                bool_or(role = 'cna') as in_cna, bool_or(role = 'sv') as in_sv
            from lists group by study_id, sample_id
        ),
        evidence as (
            select s.study_id, s.sample_id,
                coalesce(r.has_seq, false) as has_seq, coalesce(r.has_cna, false) as has_cna,
                coalesce(r.has_sv, false) as has_sv,
                coalesce(sr.in_seq, false) as in_seq, coalesce(sr.in_cna, false) as in_cna,
                coalesce(sr.in_sv, false) as in_sv,
                s.sample_id in (select sample_id from mutations m where m.study_id = s.study_id) as in_maf,
                s.sample_id in (select sample_id from cna_samples c where c.study_id = s.study_id) as in_cna_file
            from samples s
            left join study_roles r on s.study_id = r.study_id
            left join sample_roles sr on s.study_id = sr.study_id and s.sample_id = sr.sample_id
        ),
        wanted(gene, alteration_type) as (
            values ('KRAS', 'mutation'), ('EGFR', 'mutation'), ('ERBB2', 'mutation'),
                   ('ALK', 'structural_variant'), ('ERBB2', 'copy_number')
        )
        select e.study_id, e.sample_id, w.gene, w.alteration_type,
            coalesce(
                case when pa.sample_id is not null then pa.panel is not null and pg.gene is not null
                else case w.alteration_type
                    when 'mutation' then case when e.has_seq then e.in_seq else e.in_maf end
                    when 'copy_number' then case when e.has_cna then e.in_cna else e.in_cna_file end
                    else case when e.has_sv then e.in_sv when e.has_seq then e.in_seq else e.in_maf end
                end end
                and case w.alteration_type
                    when 'mutation' then f.has_mutation_file
                    when 'copy_number' then f.has_cna_file and cg.gene is not null
                    else f.has_sv_file or e.study_id in (select study_id from mutations where is_fusion)
                end,
                false) as is_profiled
        from evidence e
        cross join wanted w
        left join panel_assignments pa
            on e.study_id = pa.study_id and e.sample_id = pa.sample_id and w.alteration_type = pa.alteration_type
        left join panel_genes pg on pa.panel = pg.panel and w.gene = pg.gene
        left join study_files f on e.study_id = f.study_id
        left join (select distinct study_id, gene from cna_genes) cg
            on e.study_id = cg.study_id and w.gene = cg.gene
    """)
    population_flag = {"luad": "is_luad", "nsclc": "is_nsclc"}[population]
    counts = con.execute(f"""
        with found as (
            select study_id, sample_id,
                bool_or(gene = 'KRAS' and not is_fusion and is_nonsynonymous) as kras,
                bool_or(gene = 'EGFR' and not is_fusion and is_nonsynonymous) as egfr,
                bool_or(gene = 'ERBB2' and not is_fusion and is_nonsynonymous) as erbb2_mut,
                bool_or(gene = 'ALK' and is_fusion) as alk_maf
            from mutations where gene in ('{genes}') group by study_id, sample_id
        ),
        prof as (
            select study_id, sample_id,
                bool_or(gene = 'KRAS' and alteration_type = 'mutation' and is_profiled) as p_kras,
                bool_or(gene = 'EGFR' and alteration_type = 'mutation' and is_profiled) as p_egfr,
                bool_or(gene = 'ALK' and is_profiled) as p_alk,
                bool_or(gene = 'ERBB2' and alteration_type = 'mutation' and is_profiled) as p_mut,
                bool_or(gene = 'ERBB2' and alteration_type = 'copy_number' and is_profiled) as p_cna
            from profiling group by study_id, sample_id
        ),
        sample_flags as (
            select s.study_id, s.sample_id, s.patient_id, s.is_luad, s.is_nsclc,
                prof.p_mut, prof.p_cna,
                case when prof.p_kras then coalesce(found.kras, false) end as kras,
                case when prof.p_egfr then coalesce(found.egfr, false) end as egfr,
                case when prof.p_alk then coalesce(found.alk_maf, false)
                    or exists (select 1 from fusions x where x.study_id = s.study_id
                        and x.sample_id = s.sample_id and x.gene = 'ALK') end as alk,
                case when prof.p_mut then coalesce(found.erbb2_mut, false) end as mut,
                case when prof.p_cna then exists (select 1 from amplified a
                    where a.study_id = s.study_id and a.sample_id = s.sample_id) end as amp
            from samples s
            join prof on s.study_id = prof.study_id and s.sample_id = prof.sample_id
            left join found on s.study_id = found.study_id and s.sample_id = found.sample_id
        ),
        patient_flags as (
            select study_id, patient_id, bool_or(is_luad) as is_luad, bool_or(is_nsclc) as is_nsclc,
                bool_or(p_mut) as p_mut, bool_or(p_cna) as p_cna, bool_or(kras) as kras,
                bool_or(egfr) as egfr, bool_or(alk) as alk, bool_or(mut) as mut, bool_or(amp) as amp
            from sample_flags group by study_id, patient_id
        ),
        units as (
            select 'sample' as unit, * exclude (sample_id, patient_id) from sample_flags
            union all by name
            select 'patient' as unit, * exclude (patient_id) from patient_flags
        ),
        cohorts as (
            select unit, study_id, p_mut, p_cna, mut, amp,
                case
                    when coalesce(kras::int, 0) + coalesce(egfr::int, 0) + coalesce(alk::int, 0) >= 2 then 'multiple'
                    when kras then 'KRAS' when egfr then 'EGFR' when alk then 'ALK'
                    when not kras and not egfr and not alk then 'other'
                end as driver_cohort
            from units where {population_flag}
        ),
        scoped as (
            select unit, study_id, driver_cohort, * exclude (unit, study_id, driver_cohort) from cohorts where driver_cohort is not null
            union all select unit, study_id, 'ALL', * exclude (unit, study_id, driver_cohort) from cohorts
            union all select unit, 'ALL', driver_cohort, * exclude (unit, study_id, driver_cohort) from cohorts where driver_cohort is not null
            union all select unit, 'ALL', 'ALL', * exclude (unit, study_id, driver_cohort) from cohorts
        ),
        evaluated as (
            select unit, study_id, driver_cohort, a.alteration,
                case a.alteration when 'mutation' then p_mut when 'amplification' then p_cna
                    else p_mut and p_cna end as is_profiled,
                case a.alteration when 'mutation' then mut when 'amplification' then amp
                    when 'mutation_or_amplification' then mut or amp else mut and amp end as is_altered
            from scoped, (values ('mutation'), ('amplification'), ('mutation_or_amplification'),
                ('mutation_and_amplification')) as a(alteration)
        )
        select unit, study_id, driver_cohort, alteration,
            count(*) filter (where is_profiled) as n_profiled,
            count(*) filter (where is_profiled and is_altered) as n_altered
        from evaluated group by all
    """).df()
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
