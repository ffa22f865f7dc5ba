{#- One row per sample x gene x event: MAF mutations (every class, is_nonsynonymous flags the
    counted ones), CNA amplifications and deep deletions, fusions (each gene site of an SV; legacy
    MAF Fusion rows). Provenance: source_file (relative to the studies folder), source_line,
    source_column (CNA column / SV site). Grain: alteration_id. Built by study
    (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    on_schema_change='fail',
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
with alterations as (
    select * from {{ ref('int_alterations__classified') }}
    where {{ her2lung_study_scope() }}
),

final as (
    select
        cast(alteration_id as {{ dbt.type_string() }}) as alteration_id,
        cast(sample_id as {{ dbt.type_string() }}) as sample_id,
        cast(study_id as {{ dbt.type_string() }}) as study_id,
        cast(gene as {{ dbt.type_string() }}) as gene,
        cast(alteration_type as {{ dbt.type_string() }}) as alteration_type,
        cast(variant_classification as {{ dbt.type_string() }}) as variant_classification,
        cast(protein_change as {{ dbt.type_string() }}) as protein_change,
        cast(protein_position as bigint) as protein_position,
        cast(is_nonsynonymous as boolean) as is_nonsynonymous,
        cast(is_oncogenic as boolean) as is_oncogenic,
        cast(counts_as_mutated as boolean) as counts_as_mutated,
        cast(erbb2_mutation_class as {{ dbt.type_string() }}) as erbb2_mutation_class,
        cast(cna_value as double) as cna_value,
        cast(source_gene_symbol as {{ dbt.type_string() }}) as source_gene_symbol,
        cast(entrez_gene_id as bigint) as entrez_gene_id,
        cast(ncbi_build as {{ dbt.type_string() }}) as ncbi_build,
        cast(chromosome as {{ dbt.type_string() }}) as chromosome,
        cast(start_position as bigint) as start_position,
        cast(end_position as bigint) as end_position,
        cast(reference_allele as {{ dbt.type_string() }}) as reference_allele,
        cast(tumor_seq_allele2 as {{ dbt.type_string() }}) as tumor_seq_allele2,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as bigint) as source_line,
        cast(source_column as bigint) as source_column
    from alterations
)

select * from final
