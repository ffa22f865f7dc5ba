{#- Atomic publish of the warehouse (see python/her2lung/publish.py and profiles/profiles.yml).

    dbt writes into a candidate file; the published file ($HER2LUNG_DB) is replaced, atomically,
    by a copy of the candidate only when every node of the run succeeded. meta.build_info in the
    candidate records the build and its state:
      building  - set by on-run-start; a build killed midway leaves it so
      failed    - a node errored, failed or was skipped
      partial   - the run succeeded but was selective (--select/--exclude/...) on top of a
                  candidate left by a failed or interrupted build: a mix, never published
      complete  - everything succeeded; what is published
    The commands that change tables (build, run, seed, snapshot) take part; a successful
    selective run on a complete candidate publishes too (the other tables are the complete
    build's). `dbt build --empty` never publishes.
    Needs the dbt-duckdb plugin her2lung.dbt_plugin (profiles.yml); without it nothing is
    published and the hook says so. -#}

{% macro her2lung__changes_tables() -%}
    {{ return(invocation_args_dict.get('which') in ('build', 'run', 'seed', 'snapshot')) }}
{%- endmacro %}

{% macro her2lung__is_selective() -%}
    {%- set args = invocation_args_dict -%}
    {%- set keys = ['select', 'exclude', 'selector', 'resource_types', 'exclude_resource_types',
        'models', 'inline'] -%}
    {%- set found = [] -%}
    {%- for key in keys -%}
        {%- if args.get(key) -%}{%- do found.append(key) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(found | length > 0) }}
{%- endmacro %}

{#- State of the candidate before this run: complete, fresh (no tables at all), or
    incomplete (an earlier build failed or was killed, or the file predates meta.build_info). -#}
{% macro her2lung__prior_state() -%}
    {%- set info = run_query(
        "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'build_info'") -%}
    {%- if info.rows[0][0] > 0 -%}
        {%- set state = run_query("select max(state) from meta.build_info").rows[0][0] -%}
        {{ return('complete' if state == 'complete' else 'incomplete') }}
    {%- endif -%}
    {%- set tables = run_query(
        "select count(*) from information_schema.tables where table_catalog = current_database()").rows[0][0] -%}
    {{ return('fresh' if tables == 0 else 'incomplete') }}
{%- endmacro %}

{#- on-run-start: mark the candidate as being built (a kill leaves it so). -#}
{% macro her2lung_mark_building() -%}
    {#- the candidate/publish cycle is the DuckDB file's; a Spark warehouse is written in place -#}
    {%- if not execute or target.type != 'duckdb' or not her2lung__changes_tables() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set prior_state = her2lung__prior_state() -%}
    {%- do run_query("create schema if not exists meta") -%}
    {%- do run_query("create or replace table meta.build_info as select
        " ~ sql_string(invocation_id) ~ "::varchar as build_id,
        " ~ sql_string(invocation_args_dict.get('which')) ~ "::varchar as dbt_command,
        " ~ (not her2lung__is_selective()) ~ " as is_full_run,
        'building'::varchar as state,
        " ~ sql_string(prior_state) ~ "::varchar as prior_state,
        " ~ sql_string(studies_dir()) ~ "::varchar as studies_dir,
        " ~ sql_string(tojson(invocation_args_dict.get('vars', {}))) ~ "::varchar as dbt_vars,
        " ~ sql_string(dbt_version) ~ "::varchar as dbt_version,
        current_localtimestamp() as started_at,
        null::timestamp as finished_at,
        null::integer as n_nodes,
        null::integer as n_warnings,
        null::varchar as problem") -%}
    {{ return('select 1') }}
{%- endmacro %}

{#- on-run-end: publish when everything succeeded; otherwise say the published file was left
    untouched. `results` is the on-run-end context variable. -#}
{% macro her2lung_publish_if_complete(results) -%}
    {%- if not execute or target.type != 'duckdb' -%}{{ return('select 1') }}{%- endif -%}
    {%- set which = invocation_args_dict.get('which') -%}
    {%- if not her2lung__changes_tables() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set has_plugin = run_query(
        "select count(*) from duckdb_functions() where function_name = 'her2lung_publish'").rows[0][0] > 0 -%}
    {%- set published = run_query("select her2lung_published_path()").rows[0][0] if has_plugin
        else env_var('HER2LUNG_DB', 'warehouse/her2lung.duckdb') -%}
    {%- set untouched = "the published warehouse " ~ published ~ " was left untouched" -%}
    {%- set ok_status = ['success', 'pass', 'warn', 'no-op'] -%}
    {%- set bad = [] -%}
    {%- set n_warn = [] -%}
    {%- for result in results -%}
        {%- if result.status not in ok_status -%}
            {%- do bad.append(result) -%}
        {%- elif result.status == 'warn' -%}
            {%- do n_warn.append(result) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set info_exists = run_query(
        "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'build_info'").rows[0][0] > 0 -%}
    {%- set prior_state = run_query("select max(prior_state) from meta.build_info").rows[0][0]
        if info_exists else 'incomplete' -%}
    {%- set selective = her2lung__is_selective() -%}
    {#- state: what the candidate now holds; fail: refuse with an error (a refused partial run
        must fail the command; failed nodes already do) -#}
    {%- set problem = none -%}
    {%- set state = 'complete' -%}
    {%- set fail = false -%}
    {%- if results | length == 0 -%}
        {%- set problem = 'nothing ran' -%}
        {%- set state = 'complete' if prior_state == 'complete' else 'partial' -%}
    {%- elif bad | length > 0 -%}
        {%- set names = [] -%}
        {%- set skipped = [] -%}
        {%- for result in bad -%}
            {%- if result.status == 'skipped' -%}
                {%- do skipped.append(result) -%}
            {%- elif names | length < 5 -%}
                {%- do names.append(result.node.unique_id ~ ' (' ~ result.status ~ ')') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set n_failed = (bad | length) - (skipped | length) -%}
        {%- set problem = n_failed ~ ' of ' ~ (results | length) ~ ' nodes failed'
            ~ (' and ' ~ (skipped | length) ~ ' were skipped' if skipped else '') ~ ': '
            ~ names | join(', ') ~ (' ...' if n_failed > 5 else '') -%}
        {%- set state = 'failed' -%}
    {%- elif invocation_args_dict.get('empty') -%}
        {%- set problem = '--empty builds hold no rows' -%}
        {%- set state = 'partial' -%}
    {%- elif not info_exists -%}
        {%- set problem = 'meta.build_info is missing (on-run-start did not run)' -%}
        {%- set fail = true -%}
    {%- elif (selective or which != 'build') and prior_state not in ('complete', 'fresh') -%}
        {%- set problem = 'this ' ~ ('selective ' if selective else '') ~ '`dbt ' ~ which
            ~ '` succeeded, but the candidate also holds tables from an earlier build that failed or was interrupted; run a full `dbt build` to publish' -%}
        {%- set state = 'partial' -%}
        {%- set fail = true -%}
    {%- endif -%}
    {%- if info_exists -%}
        {%- do run_query("update meta.build_info set state = " ~ sql_string(state)
            ~ ", finished_at = current_localtimestamp(), n_nodes = " ~ (results | length)
            ~ ", n_warnings = " ~ (n_warn | length)
            ~ ", problem = " ~ (sql_string(problem) if problem is not none else 'null')) -%}
    {%- endif -%}
    {%- if problem is not none -%}
        {%- set failure = "her2lung: NOT PUBLISHED: " ~ problem ~ "; " ~ untouched ~ "." -%}
        {{ log(failure, info=True) }}
        {{ return("select error(" ~ sql_string(failure) ~ ")" if fail else 'select 1') }}
    {%- endif -%}
    {%- do her2lung__stamp_tables() -%}
    {%- if var('her2lung_publish', true) in [false, 'false', 'False', 0, '0'] -%}
        {{ log("her2lung: build complete in the candidate; publishing is left to the caller (her2lung_publish: false).", info=True) }}
        {{ return('select 1') }}
    {%- endif -%}
    {%- if not has_plugin -%}
        {{ log("her2lung: NOT PUBLISHED: the profile lacks the her2lung.dbt_plugin plugin; " ~ untouched ~ ".", info=True) }}
        {{ return('select 1') }}
    {%- endif -%}
    {{ log("her2lung: every node succeeded; publishing the candidate " ~ target.path ~ " ...", info=True) }}
    {%- do run_query("checkpoint") -%}
    {%- set message = run_query("select her2lung_publish(" ~ sql_string(invocation_id) ~ ")").rows[0][0] -%}
    {%- if message.startswith('NOT PUBLISHED') -%}
        {%- set failure = "her2lung: " ~ message ~ "; " ~ untouched ~ "." -%}
        {{ log(failure, info=True) }}
        {#- fail the hook (and so the dbt command) with the message, not a traceback -#}
        {{ return("select error(" ~ sql_string(failure) ~ ")") }}
    {%- endif -%}
    {{ log("her2lung: " ~ message, info=True) }}
    {{ return('select 1') }}
{%- endmacro %}

{#- meta.build_tables: row count of every table, for readers to check the file is one build. -#}
{% macro her2lung__stamp_tables() -%}
    {%- set tables = run_query(
        "select table_schema, table_name from information_schema.tables"
        ~ " where table_catalog = current_database() and table_type = 'BASE TABLE'"
        ~ " and table_schema <> 'meta' order by all") -%}
    {%- set selects = [] -%}
    {%- for row in tables.rows -%}
        {%- do selects.append("select " ~ sql_string(row[0]) ~ " as table_schema, " ~ sql_string(row[1])
            ~ " as table_name, count(*) as row_count from " ~ adapter.quote(row[0]) ~ "." ~ adapter.quote(row[1])) -%}
    {%- endfor -%}
    {%- if selects | length == 0 -%}
        {%- do selects.append("select null::varchar as table_schema, null::varchar as table_name, null::bigint as row_count where false") -%}
    {%- endif -%}
    {%- do run_query("create or replace table meta.build_tables as " ~ selects | join(" union all ")) -%}
{%- endmacro %}
