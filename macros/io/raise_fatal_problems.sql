{#- Post-hook: fail the build, naming study, file and column, when the relation holds
    rows describing fatal problems (columns study_folder, source_file, column_name, problem).
    With var on_fatal_problem = 'warn' the problems are only recorded (used to survey many
    studies in one build, e.g. the validator suite). -#}
{% macro raise_fatal_problems(relation) -%}
    {%- if execute and var('on_fatal_problem', 'error') == 'error' -%}
        {%- set result = run_query(
            "select study_folder, source_file, column_name, problem from " ~ relation
            ~ " where severity = 'fatal' order by study_folder, source_file, column_name") -%}
        {%- if result.rows | length > 0 -%}
            {%- set messages = [] -%}
            {%- for row in result.rows -%}
                {%- do messages.append("study folder '" ~ row[0] ~ "', file '" ~ row[1] ~ "'"
                    ~ (", column '" ~ row[2] ~ "'" if row[2] else "") ~ ": " ~ row[3]) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                "her2lung: cannot load the studies in '" ~ studies_dir() ~ "':\n  - " ~ messages | join("\n  - ")) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}
