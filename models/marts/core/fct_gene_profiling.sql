{#- Which sample is profiled for which gene of interest (seed genes_of_interest) and alteration
    type ('mutation', 'copy_number', 'structural_variant'), and on what evidence (gene panel,
    case list, data file). A sample not profiled is never counted as unaltered.
    Grain: study_id, sample_id, gene, alteration_type. Built by study
    (macros/io/incremental_studies.sql); gene panel definitions may come from any study, so a
    study is built again when the panels it uses change. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    on_schema_change='fail',
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
select
    cast(sample_id as {{ dbt.type_string() }}) as sample_id,
    cast(study_id as {{ dbt.type_string() }}) as study_id,
    cast(gene as {{ dbt.type_string() }}) as gene,
    cast(alteration_type as {{ dbt.type_string() }}) as alteration_type,
    cast(is_profiled as boolean) as is_profiled,
    cast(profiling_source as {{ dbt.type_string() }}) as profiling_source,
    cast(gene_panel_id as {{ dbt.type_string() }}) as gene_panel_id,
    cast(is_panel_undefined as boolean) as is_panel_undefined
from {{ ref('int_samples__gene_profiling') }}
where {{ her2lung_study_scope(context=her2lung_gene_panel_context()) }}
