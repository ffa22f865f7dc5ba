{#- Paths (absolute or relative to the working directory) matching a glob, sorted.
    Runs at execution time; returns [] while dbt only parses.
    Paths under the studies folder are contained (macro her2lung__contained_files): a file or
    sub-folder that is a symbolic link resolving outside its study folder is never returned. -#}
{% macro list_files(pattern) -%}
    {{ return(adapter.dispatch('list_files', 'her2lung')(pattern)) }}
{%- endmacro %}

{% macro duckdb__list_files(pattern) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set result = run_query("select file from glob(" ~ sql_string(pattern) ~ ") order by file") -%}
    {{ return(her2lung__contained_files(result.columns[0].values() | list)) }}
{%- endmacro %}

{#- The paths that stay inside their study folder once every symlink is resolved (plugin
    function her2lung_real_path). A study folder itself may be a symlink (how a studies folder
    is assembled from folders kept elsewhere; var allow_linked_study_folders, default true;
    false: a study folder must resolve inside the studies folder too). Anything else that
    resolves outside its study folder is refused: with var on_fatal_problem 'error' the build
    stops naming the path and its target; with 'warn' the path is left out and logged. -#}
{% macro her2lung__contained_files(paths) -%}
    {%- set root = studies_dir() -%}
    {%- set under_root = [] -%}
    {%- for path in paths if path.startswith(root ~ '/') -%}{%- do under_root.append(path) -%}{%- endfor -%}
    {%- if under_root | length == 0 -%}{{ return(paths) }}{%- endif -%}
    {%- if run_query("select count(*) from duckdb_functions() where function_name = 'her2lung_real_path'").rows[0][0] == 0 -%}
        {{ exceptions.raise_compiler_error(
            "her2lung: the dbt-duckdb plugin her2lung.dbt_plugin is not configured in this profile; "
            ~ "it is needed to refuse symlinks that point outside the studies folder (see profiles/profiles.yml)") }}
    {%- endif -%}
    {%- set allow_linked = var('allow_linked_study_folders', true) not in [false, 'false', 'False', 0, '0'] -%}
    {%- set values = [] -%}
    {%- for path in under_root -%}{%- do values.append("(" ~ sql_string(path) ~ ")") -%}{%- endfor -%}
    {%- set checked = run_query(
        "with paths as (select * from (values " ~ values | join(", ") ~ ") as p (path)),
        resolved as (
            select
                path,
                her2lung_real_path(path) as real_path,
                her2lung_real_path(" ~ sql_string(root ~ '/') ~ " || split_part(substr(path, " ~ (root | length + 2) ~ "), '/', 1)) as study_real_path,
                her2lung_real_path(" ~ sql_string(root) ~ ") as root_real_path
            from paths
        )
        select
            path,
            real_path,
            real_path = study_real_path or starts_with(real_path, study_real_path || '/') as in_study,
            study_real_path = root_real_path or starts_with(study_real_path, root_real_path || '/') as study_in_root
        from resolved") -%}
    {%- set refused = [] -%}
    {%- set refused_paths = [] -%}
    {%- for row in checked.rows -%}
        {%- if not row[2] -%}
            {%- do refused.append("'" ~ row[0][(root | length) + 1:] ~ "' is a symbolic link to '" ~ row[1]
                ~ "', outside its study folder; refused, not read") -%}
            {%- do refused_paths.append(row[0]) -%}
        {%- elif not row[3] and not allow_linked -%}
            {%- do refused.append("'" ~ row[0][(root | length) + 1:] ~ "' lies in a study folder that links outside the studies folder (var allow_linked_study_folders is false); refused, not read") -%}
            {%- do refused_paths.append(row[0]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if refused | length > 0 -%}
        {%- if var('on_fatal_problem', 'error') == 'error' -%}
            {{ exceptions.raise_compiler_error(
                "her2lung: cannot load the studies in '" ~ root ~ "':\n  - " ~ refused | join("\n  - ")) }}
        {%- endif -%}
        {%- for message in refused -%}
            {{ log("her2lung: WARNING: " ~ message, info=True) }}
        {%- endfor -%}
    {%- endif -%}
    {%- set kept = [] -%}
    {%- for path in paths if path not in refused_paths -%}{%- do kept.append(path) -%}{%- endfor -%}
    {{ return(kept) }}
{%- endmacro %}
