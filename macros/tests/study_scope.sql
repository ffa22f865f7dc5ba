{#- Data tests of the models built by study (macros/io/incremental_studies.sql) check, in a
    `dbt build` on DuckDB, only the rows of studies not yet verified for that model.

    A study's rows of such a model are verified when every data test of the model passed on them
    as built: on-run-end (her2lung_mark_studies_verified) sets is_verified on the model's
    raw_cbioportal__built_studies rows after a build in which all the model's tests passed.
    Rebuilding a study's rows (changed files, code, settings or panel context) replaces its
    record, and with it the flag, so those rows are tested again. Rows without a study, a failed,
    errored or skipped test, a test left out of the run, a killed run, `--full-refresh`, `dbt test`
    and Spark all test every row.

    Sound because these tests decide row by row, per study or per file: not_null,
    accepted_values, value ranges, relationships to a parent, uniqueness of keys that contain
    study_id (or a file and line, which belong to one study), and line/cell accounting per file.
    A new test on such a model must be of that kind; a test across studies belongs on a model
    that is not built by study. -#}

{#- dbt's own macro (models' generic tests call it on their model), extended with the scope. -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- set scope = her2lung_test_study_scope() -%}
    {%- if scope != 'true' -%}{%- do conditions.append(scope) -%}{%- endif -%}
    {%- if not conditions -%}{{ return(relation) }}{%- endif -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') }}
{%- endmacro %}

{#- SQL condition on study_id: the rows the running data test must check (`true`: all). A test
    reading other inputs too cuts them with her2lung_in_scope (raw_lines_accounted_for.sql). -#}
{% macro her2lung_test_study_scope() -%}
    {%- if not execute or model.resource_type != 'test' or target.type != 'duckdb'
        or invocation_args_dict.get('which') != 'build' -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set attached = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- if attached is none or not her2lung__is_built_by_study(attached) -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set book = her2lung__verifiable_book() -%}
    {%- if book is none -%}{{ return('true') }}{%- endif -%}
    {%- set book_rows = run_query("select study_id, coalesce(is_built and is_verified, false)"
        ~ " from " ~ book ~ " where model_name = " ~ sql_string(attached.alias or attached.name)
        ~ " order by study_id").rows -%}
    {%- set unverified = [] -%}
    {%- for row in book_rows if not row[1] -%}{%- do unverified.append(row[0]) -%}{%- endfor -%}
    {%- if unverified | length == book_rows | length -%}{{ return('true') }}{%- endif -%}
    {#- The studies to check, listed (DuckDB prunes the other studies' row groups for an IN
        list, not for NOT IN). Every row of the model belongs to a study in the book or to none:
        her2lung_study_scope deletes the others' rows on every build. -#}
    {%- if not unverified -%}{{ return('study_id is null') }}{%- endif -%}
    {{ return("(study_id is null or study_id in " ~ her2lung__sql_list(unverified) ~ ")") }}
{%- endmacro %}

{#- on-run-end: the models built by study whose every data test ran in this build and passed
    (not warned) have their built studies marked verified. -#}
{% macro her2lung_mark_studies_verified(results) -%}
    {%- if not execute or target.type != 'duckdb' or invocation_args_dict.get('which') != 'build' -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set book = her2lung__verifiable_book() -%}
    {%- if book is none -%}{{ return('select 1') }}{%- endif -%}
    {%- set passed = [] -%}
    {%- for result in results if result.node.resource_type == 'test' and result.status == 'pass' -%}
        {%- do passed.append(result.node.unique_id) -%}
    {%- endfor -%}
    {%- set tests_of = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' and node.get('attached_node') -%}
        {%- do tests_of.setdefault(node.attached_node, []).append(node.unique_id) -%}
    {%- endfor -%}
    {%- set verified = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and her2lung__is_built_by_study(node) -%}
        {%- set tests = tests_of.get(node.unique_id, []) -%}
        {%- if tests and tests | reject('in', passed) | list | length == 0 -%}
            {%- do verified.append(node.alias or node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if verified -%}
        {#- run here (run_query does not open a transaction), not returned as the hook's SQL:
            that runs in a transaction still open when the publish hook checkpoints the file -#}
        {%- do run_query("update " ~ book ~ " set is_verified = true where is_built and model_name in "
            ~ her2lung__sql_list(verified)) -%}
    {%- endif -%}
    {{ return('select 1') }}
{%- endmacro %}

{#- A model built by study: its post-hook records the studies it built. -#}
{% macro her2lung__is_built_by_study(node) -%}
    {%- set hooks = node.config.get('post-hook') or [] -%}
    {%- for hook in hooks if 'her2lung_mark_studies_built' in (hook.sql if hook is mapping else hook) -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- raw_cbioportal__built_studies, when it exists with its is_verified column (a warehouse built
    before the column existed gets it from the book's next incremental run); else none. Found
    through the graph, not ref(): tests and hooks do not depend on the book. Looked up with
    run_query, which (unlike adapter.get_relation) opens no transaction: the publish hook
    checkpoints the file after this, which DuckDB refuses inside a transaction with changes. -#}
{% macro her2lung__verifiable_book() -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.raw_cbioportal__built_studies') -%}
    {%- if node is none -%}{{ return(none) }}{%- endif -%}
    {%- set identifier = node.alias or node.name -%}
    {%- set found = run_query("select count(*) from information_schema.columns"
        ~ " where table_catalog = current_database() and table_schema = " ~ sql_string(node.schema)
        ~ " and table_name = " ~ sql_string(identifier) ~ " and column_name = 'is_verified'") -%}
    {%- if found.rows[0][0] == 0 -%}{{ return(none) }}{%- endif -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=identifier)) }}
{%- endmacro %}
