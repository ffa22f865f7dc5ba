{#- Incremental by study: a model whose rows of one study depend only on that study's files
    (and on the code, seeds and settings) keeps the rows of every unchanged study and computes
    only the others. Adding, changing or removing one study then re-reads one study's rows.

    A study's build version is its raw_cbioportal__study_versions version (the fingerprints of
    all its files) with a salt: the code version of the project (models, macros, seeds,
    dbt_project.yml; plugin function her2lung_code_version), the --vars of the run and the
    studies folder; and, for a model that reads rows of other studies too, the study's
    `context` (e.g. the definitions of the gene panels its samples use, wherever they are
    defined: her2lung_gene_panel_context). The context must cover what the model's inputs
    depend on too: every model downstream of gene profiling passes the panel context.
    raw_cbioportal__built_studies
    records, per model, the build version of every study whose rows the model holds. While such
    a model compiles for `dbt run/build` on DuckDB:
      1. studies whose build version equals the recorded one are kept (their rows stay);
      2. the model's rows of every other study, and rows without a study, are deleted, and so
         is their record (with no study kept, the table is dropped and created anew);
      3. the studies to build are recorded as pending; the model's SQL selects only rows in
         scope (her2lung_study_scope) and appends them;
      4. its post-hook (her2lung_mark_studies_built) turns pending into built.
    A failed run leaves pending records, never trusted: the next run builds those studies again.
    `--full-refresh` (or a missing table) builds everything. On Spark the models replace their
    table on every run (insert_overwrite), as the raw models do. -#}

{#- SQL condition on `study_id` selecting the rows this build must compute: `true` for a full
    build, else the rows of the studies to build (and rows without a study). Put it on every input
    read per study (the condition names the unqualified column study_id). `context`: optional
    SQL returning (study_id, context), what else a study's rows depend on. -#}
{% macro her2lung_study_scope(context=none) -%}
    {#- called while dbt parses too: these refs make the model depend on the bookkeeping -#}
    {%- do ref('raw_cbioportal__study_versions') -%}
    {%- set book = her2lung__built_studies_relation() -%}
    {%- if not execute or config.get('materialized') != 'incremental' or model.resource_type != 'model' -%}
        {#- parsing, a unit test (its inputs are fixtures), or a model configured as a table -#}
        {{ return('true') }}
    {%- endif -%}
    {%- if not her2lung__builds_by_study() -%}
        {%- if target.type == 'duckdb' and her2lung__changes_raw_tables() and is_incremental() -%}
            {#- no bookkeeping to trust: build everything again, after emptying the table -#}
            {%- do run_query("delete from " ~ this) -%}
        {%- endif -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set versions = her2lung__study_build_versions(context) -%}
    {%- set model_name = sql_string(this.identifier) -%}
    {%- set keep = [] -%}
    {%- if is_incremental() -%}
        {%- set recorded = {} -%}
        {%- set result = run_query("select study_id, build_version from " ~ book
            ~ " where model_name = " ~ model_name ~ " and is_built") -%}
        {%- for row in result.rows -%}{%- do recorded.update({row[0]: row[1]}) -%}{%- endfor -%}
        {%- for study, version in versions.items() -%}
            {%- if recorded.get(study) == version -%}{%- do keep.append(study) -%}{%- endif -%}
        {%- endfor -%}
        {%- set kept_list = her2lung__sql_list(keep) -%}
        {%- do her2lung__keep_only('study_id', keep) -%}
        {%- do run_query("delete from " ~ book ~ " where model_name = " ~ model_name
            ~ " and (not is_built or study_id not in " ~ kept_list ~ ")") -%}
    {%- else -%}
        {%- do run_query("delete from " ~ book ~ " where model_name = " ~ model_name) -%}
    {%- endif -%}
    {%- set pending = [] -%}
    {%- for study, version in versions.items() if study not in keep -%}
        {%- do pending.append("(" ~ model_name ~ ", " ~ sql_string(study) ~ ", " ~ sql_string(version) ~ ", false)") -%}
    {%- endfor -%}
    {%- if pending -%}
        {%- do run_query("insert into " ~ book ~ " (model_name, study_id, build_version, is_built) values "
            ~ pending | join(", ")) -%}
    {%- endif -%}
    {%- if not keep -%}{{ return('true') }}{%- endif -%}
    {#- the studies to build, listed (not "not in the kept ones"): DuckDB pushes an IN list down
        to the scans of stored tables, and a study's rows are then read from its row groups only
        (int_samples__gene_status of one GENIE study: 1.2 s -> 0.2 s). Every row's study_id is
        NULL or a study of raw_cbioportal__study_versions: both come from the folder's
        meta_study.txt (raw_cbioportal__data_files). -#}
    {%- set build = [] -%}
    {%- for study in versions | sort if study not in keep -%}{%- do build.append(study) -%}{%- endfor -%}
    {%- if not build -%}{{ return('study_id is null') }}{%- endif -%}
    {{ return("(study_id is null or study_id in " ~ her2lung__sql_list(build) ~ ")") }}
{%- endmacro %}

{#- Keep only the rows of the model's table whose `column` is in `kept` (rows with NULL there
    go too). With nothing kept (a change of code or --vars, every file changed), drop the
    table instead, so that the incremental materialization, finding no table, creates it from
    the model's query. Emptying it would make dbt write every row twice: into a temporary
    table, then appended (GENIE-scale fct_alterations in a rebuild of every study: 40-44 s ->
    32 s; benchmarks/RESULTS.md). The table is gone only until this node ends; a build that
    fails here is not published, and the next one finds no table and builds everything.
    Used by her2lung_study_scope and her2lung_incremental_files. -#}
{% macro her2lung__keep_only(column, kept) -%}
    {%- if kept -%}
        {%- do run_query("delete from " ~ this ~ " where " ~ column ~ " is null or " ~ column
            ~ " not in " ~ her2lung__sql_list(kept)) -%}
    {%- else -%}
        {%- set existing = load_relation(this) -%}
        {%- if existing is not none -%}{%- do adapter.drop_relation(existing) -%}{%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- `(select * from relation where <scope>)`: a relation cut to the rows in scope. -#}
{% macro her2lung_in_scope(relation, scope) -%}
    {%- if scope == 'true' -%}{{ return(relation) }}{%- endif -%}
    {{ return("(select * from " ~ relation ~ " where " ~ scope ~ ")") }}
{%- endmacro %}

{#- Post-hook of the models built by study: what they built is now built. -#}
{% macro her2lung_mark_studies_built() -%}
    {%- if execute and her2lung__builds_by_study() -%}
        update {{ her2lung__built_studies_relation() }} set is_built = true
        where model_name = {{ sql_string(this.identifier) }} and not is_built
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Only on DuckDB, in `dbt run/build` (not `--empty`), once the bookkeeping tables exist. -#}
{% macro her2lung__builds_by_study() -%}
    {{ return(target.type == 'duckdb' and her2lung__changes_raw_tables()
        and load_relation(her2lung__built_studies_relation()) is not none
        and load_relation(ref('raw_cbioportal__study_versions')) is not none) }}
{%- endmacro %}

{% macro her2lung__built_studies_relation() -%}
    {{ return(ref('raw_cbioportal__built_studies')) }}
{%- endmacro %}

{#- {study_id: build version} of every study with files, for the model being built. -#}
{% macro her2lung__study_build_versions(context) -%}
    {%- set parts = [
        invocation_args_dict.get('project_dir') or '.',
        tojson(invocation_args_dict.get('vars') or {}),
        studies_dir(),
    ] -%}
    {%- set code = run_query("select her2lung_code_version(" ~ sql_string(parts[0]) ~ ")") -%}
    {%- do parts.append(code.rows[0][0]) -%}
    {%- set salt = local_md5(parts | join('|')) -%}
    {%- set sql -%}
        select versions.study_id, versions.study_version, {{ 'md5(contexts.context)' if context else "''" }}
        from {{ ref('raw_cbioportal__study_versions') }} as versions
        {%- if context %}
        left join ({{ context }}) as contexts
            on versions.study_id = contexts.study_id
        {%- endif %}
    {%- endset -%}
    {%- set out = {} -%}
    {%- for row in run_query(sql).rows -%}
        {%- do out.update({row[0]: row[1] ~ '|' ~ salt ~ '|' ~ (row[2] or '')}) -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{#- Context for models that read gene panel definitions: per study, the gene lists of the
    panels its samples use (a panel may be defined in another study's folder). -#}
{% macro her2lung_gene_panel_context() -%}
    with used_panels as (
        select distinct study_id, gene_panel_id
        from {{ ref('stg_cbioportal__gene_panels') }}
        where gene_panel_id is not null
    ),

    panel_genes as (
        select
            gene_panel_id,
            {{ sorted_text_agg("coalesce(hugo_symbol, '') || '/' || coalesce(cast(entrez_gene_id as " ~ dbt.type_string() ~ "), '')", ',') }} as gene_list
        from (
            select distinct gene_panel_id, hugo_symbol, entrez_gene_id
            from {{ ref('stg_cbioportal__gene_panel_genes') }}
        ) as distinct_genes
        group by gene_panel_id
    )

    select
        used_panels.study_id,
        {{ sorted_text_agg("used_panels.gene_panel_id || ':' || coalesce(panel_genes.gene_list, '(undefined)')", ';') }} as context
    from used_panels
    left join panel_genes
        on used_panels.gene_panel_id = panel_genes.gene_panel_id
    group by used_panels.study_id
{%- endmacro %}
