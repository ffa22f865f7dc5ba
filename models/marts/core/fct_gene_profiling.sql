{#- Which sample is profiled for which gene of interest (seed genes_of_interest) and alteration
    type ('mutation', 'copy_number', 'structural_variant'), and on what evidence (gene panel,
    case list, data file). A sample not profiled is never counted as unaltered.
    Grain: study_id, sample_id, gene, alteration_type. -#}
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
