{#- Generic test: every raw data line of every file is staged, rejected, or (optionally)
    deliberately not stored (e.g. diploid CNA rows), exactly once. Fails with one row per file
    whose counts disagree. For line-grain entities. -#}
{% test raw_lines_accounted_for(model, raw_lines, rejected, base=none, not_stored_condition=none) %}
{#- the model's rows come cut to the test's study scope; its other inputs are cut here -#}
{%- set scope = her2lung_test_study_scope() -%}
{%- set raw_lines = her2lung_in_scope(raw_lines, scope) -%}
{%- set rejected = her2lung_in_scope(rejected, scope) -%}
{%- set base = her2lung_in_scope(base, scope) if base is not none else none -%}
with raw_counts as (
    select source_file, count(*) as n_raw
    from {{ raw_lines }}
    where line_kind = 'data'
    group by source_file
),

staged_counts as (
    select source_file, count(*) as n_staged from {{ model }} group by source_file
),

rejected_counts as (
    select source_file, count(*) as n_rejected from {{ rejected }} group by source_file
),

not_stored_counts as (
    {%- if base is not none %}
    -- only this kind's files (the base may hold other kinds too, e.g. wide and long CNA cells)
    select source_file, count(*) as n_not_stored from {{ base }}
    where reject_reason is null and ({{ not_stored_condition }})
        and source_file in (select source_file from raw_counts)
    group by source_file
    {%- else %}
    select source_file, 0 as n_not_stored from staged_counts where 1 = 0
    {%- endif %}
),

compared as (
    select
        raw_counts.source_file,
        raw_counts.n_raw,
        coalesce(staged_counts.n_staged, 0) as n_staged,
        coalesce(rejected_counts.n_rejected, 0) as n_rejected,
        coalesce(not_stored_counts.n_not_stored, 0) as n_not_stored
    from raw_counts
    left join staged_counts on raw_counts.source_file = staged_counts.source_file
    left join rejected_counts on raw_counts.source_file = rejected_counts.source_file
    left join not_stored_counts on raw_counts.source_file = not_stored_counts.source_file
)

select * from compared
where n_raw <> n_staged + n_rejected + n_not_stored
{% endtest %}

{#- Generic test for wide matrices: the cells of every raw data line (header width minus the
    identifier columns; a line of the wrong width counts once) are all accounted for as staged,
    rejected, or not stored because diploid/missing (column `is_not_stored_expression`). -#}
{% test raw_cells_accounted_for(model, raw_lines, rejected, base, id_columns, not_stored_condition) %}
{%- set scope = her2lung_test_study_scope() -%}
{%- set raw_lines = her2lung_in_scope(raw_lines, scope) -%}
{%- set rejected = her2lung_in_scope(rejected, scope) -%}
{%- set base = her2lung_in_scope(base, scope) -%}
with headers as (
    select source_file, {{ lower_trim_list(split_tabs('line')) }} as header_names
    from {{ raw_lines }}
    where line_kind = 'header'
),

raw_cells as (
    select
        data_lines.source_file,
        sum(
            case when {{ list_length(split_tabs('data_lines.line')) }} <> {{ list_length('headers.header_names') }} then 1
            else {{ list_length('headers.header_names') }} - (
                {%- for c in id_columns %}
                case when {{ list_contains('headers.header_names', "'" ~ c ~ "'") }} then 1 else 0 end{{ " + " if not loop.last }}
                {%- endfor %})
            end
        ) as n_raw
    from {{ raw_lines }} as data_lines
    inner join headers on data_lines.source_file = headers.source_file
    where data_lines.line_kind = 'data'
    group by data_lines.source_file
),

staged as (select source_file, count(*) as n from {{ model }} group by source_file),
rejected as (select source_file, count(*) as n from {{ rejected }} group by source_file),
not_stored as (
    select source_file, count(*) as n from {{ base }}
    where reject_reason is null and ({{ not_stored_condition }})
    group by source_file
),

compared as (
    select
        raw_cells.source_file,
        raw_cells.n_raw,
        coalesce(staged.n, 0) as n_staged,
        coalesce(rejected.n, 0) as n_rejected,
        coalesce(not_stored.n, 0) as n_not_stored
    from raw_cells
    left join staged on raw_cells.source_file = staged.source_file
    left join rejected on raw_cells.source_file = rejected.source_file
    left join not_stored on raw_cells.source_file = not_stored.source_file
)

select * from compared
where n_raw <> n_staged + n_rejected + n_not_stored
{% endtest %}
