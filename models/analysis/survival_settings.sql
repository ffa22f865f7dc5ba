{#- The settings the survival results were computed with (grain: one row): the dbt invocation
    that built them, the studies folder, and the vars the comparisons and statistics depend on.
    The report reads it for its provenance block. Built after the analysis models. -#}
-- depends_on: {{ ref('km_curves') }}, {{ ref('km_medians') }}, {{ ref('logrank') }}, {{ ref('cox') }}
with final as (
    select
        cast({{ sql_string(invocation_id) }} as {{ dbt.type_string() }}) as invocation_id,
        cast({{ sql_string(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp) as run_started_at_utc,
        cast({{ sql_string(dbt_version) }} as {{ dbt.type_string() }}) as dbt_version,
        cast({{ sql_string(studies_dir()) }} as {{ dbt.type_string() }}) as studies_dir,
        cast({{ sql_string(var('population')) }} as {{ dbt.type_string() }}) as population,
        cast({{ var('min_group_size') }} as integer) as min_group_size,
        cast({{ var('erbb2_high_expression_z') }} as double) as erbb2_high_expression_z,
        cast({{ sql_string(var('entry_time_column')) }} as {{ dbt.type_string() }}) as entry_time_column,
        cast({{ sql_string(var('driver_definition')) }} as {{ dbt.type_string() }}) as driver_definition
)

select * from final
