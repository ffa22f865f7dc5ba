{#- Incremental landing: a raw *_lines model re-reads only the files that are new or changed
    since it last loaded them, and drops exactly the rows of files that changed or went away.

    A file version is its fingerprint: size and SHA-256 of the content (the plugin's
    her2lung_file_fingerprint; hashing reads the bytes, far cheaper than parsing them). An
    edit that keeps the size and the time, or a copy that keeps the old time, is a change; a
    file rewritten with the same bytes is not. raw_cbioportal__loaded_files records, per raw
    model, the fingerprint of every file whose rows the model holds. While a raw model
    compiles for `dbt run/build`:
      1. files whose fingerprint equals the recorded one are kept (their rows stay, unread);
      2. the model's rows of every other file are deleted, and so is their record (with no
         file kept, the table is dropped and created anew: her2lung__keep_only);
      3. the files to read are recorded as pending; the model's SQL reads only them and appends;
      4. its post-hook (her2lung_mark_files_loaded) turns pending into loaded.
    A failed run leaves pending records, which are never trusted: the next run reads those files
    again. `--full-refresh` (or a missing table) reads everything. Other commands (compile,
    show, docs) change nothing and compile the full read. -#}

{#- {'read': files to read, 'keep': files whose rows are kept, 'fingerprints': {file: text}}
    for `source_files` (paths relative to the studies folder) of the model being built.
    `salts` ({file: text}, optional) is part of the fingerprint: e.g. the study id the rows
    carry, so that a study renamed in meta_study.txt re-reads its unchanged files. -#}
{% macro her2lung_incremental_files(source_files, salts={}) -%}
    {%- set plan = {'read': source_files, 'keep': [], 'fingerprints': {}} -%}
    {%- if not execute or not her2lung__lands_incrementally() -%}
        {%- if execute and target.type == 'duckdb' and her2lung__changes_raw_tables() and is_incremental() -%}
            {#- no bookkeeping to trust: read everything again, after emptying the table -#}
            {%- do run_query("delete from " ~ this) -%}
        {%- elif execute and invocation_args_dict.get('empty') and is_incremental() -%}
            {#- `--empty` on a built table: append nothing -#}
            {{ return({'read': [], 'keep': source_files, 'fingerprints': {}}) }}
        {%- endif -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set fingerprints = {} -%}
    {%- for f, fp in her2lung__file_fingerprints(source_files).items() -%}
        {%- do fingerprints.update({f: (salts.get(f, '') ~ '|' ~ fp)}) -%}
    {%- endfor -%}
    {%- set state = her2lung__loaded_files_relation() -%}
    {%- set model_name = sql_string(this.identifier) -%}
    {%- set keep = [] -%}
    {%- set read = [] -%}
    {%- if is_incremental() -%}
        {%- set recorded = {} -%}
        {%- set result = run_query("select source_file, fingerprint from " ~ state
            ~ " where model_name = " ~ model_name ~ " and is_loaded") -%}
        {%- for row in result.rows -%}{%- do recorded.update({row[0]: row[1]}) -%}{%- endfor -%}
        {%- for f in source_files -%}
            {%- if f in recorded and recorded[f] == fingerprints.get(f) -%}
                {%- do keep.append(f) -%}
            {%- else -%}
                {%- do read.append(f) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set kept_list = her2lung__sql_list(keep) -%}
        {%- do her2lung__keep_only('source_file', keep) -%}
        {%- do run_query("delete from " ~ state ~ " where model_name = " ~ model_name
            ~ " and (not is_loaded or source_file not in " ~ kept_list ~ ")") -%}
    {%- else -%}
        {%- for f in source_files -%}{%- do read.append(f) -%}{%- endfor -%}
        {%- do run_query("delete from " ~ state ~ " where model_name = " ~ model_name) -%}
    {%- endif -%}
    {{ return({'read': read, 'keep': keep, 'fingerprints': fingerprints}) }}
{%- endmacro %}

{#- Record the files the model is about to read (pending until its post-hook runs). -#}
{% macro her2lung_record_pending_files(plan, read_files) -%}
    {%- if not execute or not her2lung__lands_incrementally() or read_files | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set values = [] -%}
    {%- for f in read_files -%}
        {%- do values.append("(" ~ sql_string(this.identifier) ~ ", " ~ sql_string(f) ~ ", "
            ~ sql_string(plan['fingerprints'].get(f, '')) ~ ", false)") -%}
    {%- endfor -%}
    {%- do run_query("insert into " ~ her2lung__loaded_files_relation() ~ " (model_name, source_file, fingerprint, is_loaded) values "
        ~ values | join(", ")) -%}
    {{ return('') }}
{%- endmacro %}

{#- Post-hook of the incremental raw models: what they read is now loaded. -#}
{% macro her2lung_mark_files_loaded() -%}
    {%- if execute and her2lung__lands_incrementally() -%}
        update {{ her2lung__loaded_files_relation() }} set is_loaded = true
        where model_name = {{ sql_string(this.identifier) }} and not is_loaded
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Only `dbt run` and `dbt build` (and their retry) change the raw tables; `--empty` does not.
    Only on DuckDB: landing by file deletes rows, which plain Parquet tables on Spark cannot, so
    there the raw models read every file on every run and replace their table (incremental
    strategy insert_overwrite, dbt_project.yml). Without the bookkeeping table (a selective
    first build that left it out) every file is read and nothing is recorded. -#}
{% macro her2lung__lands_incrementally() -%}
    {{ return(target.type == 'duckdb' and her2lung__changes_raw_tables()
        and load_relation(her2lung__loaded_files_relation()) is not none) }}
{%- endmacro %}

{% macro her2lung__changes_raw_tables() -%}
    {{ return(invocation_args_dict.get('which') in ('run', 'build', 'retry')
        and not invocation_args_dict.get('empty')) }}
{%- endmacro %}

{% macro her2lung__loaded_files_relation() -%}
    {{ return(ref('raw_cbioportal__loaded_files')) }}
{%- endmacro %}

{#- {source_file: 'size:sha256'} for paths relative to the studies folder (the plugin's
    her2lung_file_fingerprint: the content decides, not the modification time). -#}
{% macro her2lung__file_fingerprints(source_files) -%}
    {%- set out = {} -%}
    {%- if source_files | length == 0 -%}{{ return(out) }}{%- endif -%}
    {%- set root = studies_dir() -%}
    {%- set rows = [] -%}
    {%- for f in source_files -%}
        {%- do rows.append("(" ~ sql_string(f) ~ ", " ~ sql_string(root ~ '/' ~ f) ~ ")") -%}
    {%- endfor -%}
    {%- set result = run_query("select source_file, her2lung_file_fingerprint(file_path) "
        ~ "from (values " ~ rows | join(", ") ~ ") as files (source_file, file_path)") -%}
    {%- for row in result.rows -%}{%- do out.update({row[0]: row[1]}) -%}{%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{#- A parenthesised SQL list of string literals; ('') when empty (matches no real file). -#}
{% macro her2lung__sql_list(values) -%}
    {%- set quoted = [] -%}
    {%- for v in values -%}{%- do quoted.append(sql_string(v)) -%}{%- endfor -%}
    {{ return("(" ~ (quoted | join(", ") if quoted else "''") ~ ")") }}
{%- endmacro %}

{#- For models reading whole text files by path (meta files, case lists, gene panels): the
    paths (under the studies folder) to read; in an incremental model only the new and
    changed ones, recorded as pending. -#}
{% macro her2lung_incremental_paths(paths) -%}
    {%- if config.get('materialized') != 'incremental' -%}{{ return(paths) }}{%- endif -%}
    {%- set prefix = studies_dir() ~ '/' -%}
    {%- set relative = [] -%}
    {%- for p in paths -%}{%- do relative.append(p[prefix | length:] if p.startswith(prefix) else p) -%}{%- endfor -%}
    {%- set plan = her2lung_incremental_files(relative) -%}
    {%- do her2lung_record_pending_files(plan, plan['read']) -%}
    {%- set read = [] -%}
    {%- for p in paths -%}
        {%- if relative[loop.index0] in plan['read'] -%}{%- do read.append(p) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(read) }}
{%- endmacro %}
