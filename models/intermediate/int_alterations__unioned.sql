{#- Every genomic event with its resolved gene: MAF rows (all classes; legacy Fusion rows as
    fusions), CNA amplifications (2) and deep deletions (-2), and one row per gene site of each
    structural variant. Grain: alteration_id (file, line, column/site, gene).
    A view: its one reader, int_alterations__classified (itself a view), is materialised by
    fct_alterations; storing the 3.5 M GENIE events at every step cost more than deriving them
    again (a table write costs about as much as the query). -#}
{{ config(materialized='view') }}
with mutations as (
    select * from {{ ref('stg_cbioportal__mutations') }}
),

copy_number as (
    select * from {{ ref('stg_cbioportal__copy_number_alterations') }}
    where cna_value in (2, -2)
),

structural_variants as (
    select * from {{ ref('stg_cbioportal__structural_variants') }}
),

mutation_events as (
    select
        study_id,
        sample_id,
        {{ resolved_gene('hugo_symbol', 'entrez_gene_id') }} as gene,
        hugo_symbol as source_gene_symbol,
        entrez_gene_id,
        case when is_fusion then 'fusion' else 'mutation' end as alteration_type,
        variant_classification,
        protein_change,
        protein_position,
        case when is_fusion then null else is_nonsynonymous end as is_nonsynonymous,
        cast(null as double) as cna_value,
        ncbi_build,
        chromosome,
        start_position,
        end_position,
        reference_allele,
        tumor_seq_allele2,
        source_file,
        source_line,
        cast(0 as bigint) as source_column
    from mutations
),

copy_number_events as (
    select
        study_id,
        sample_id,
        {{ resolved_gene('hugo_symbol', 'entrez_gene_id') }} as gene,
        hugo_symbol as source_gene_symbol,
        entrez_gene_id,
        case when cna_value = 2 then 'amplification' else 'deep_deletion' end as alteration_type,
        cast(null as {{ dbt.type_string() }}) as variant_classification,
        cast(null as {{ dbt.type_string() }}) as protein_change,
        cast(null as bigint) as protein_position,
        cast(null as boolean) as is_nonsynonymous,
        cna_value,
        cast(null as {{ dbt.type_string() }}) as ncbi_build,
        cast(null as {{ dbt.type_string() }}) as chromosome,
        cast(null as bigint) as start_position,
        cast(null as bigint) as end_position,
        cast(null as {{ dbt.type_string() }}) as reference_allele,
        cast(null as {{ dbt.type_string() }}) as tumor_seq_allele2,
        source_file,
        source_line,
        coalesce(column_position, 0) as source_column
    from copy_number
),

sv_sites as (
    select
        study_id, sample_id, site1_hugo_symbol as hugo_symbol, site1_entrez_gene_id as entrez_gene_id,
        site1_chromosome as chromosome, site1_position as start_position, 1 as site,
        sv_class, event_info, ncbi_build, source_file, source_line
    from structural_variants
    where site1_hugo_symbol is not null or site1_entrez_gene_id is not null
    union all
    select
        study_id, sample_id, site2_hugo_symbol, site2_entrez_gene_id,
        site2_chromosome, site2_position, 2 as site,
        sv_class, event_info, ncbi_build, source_file, source_line
    from structural_variants
    where (site2_hugo_symbol is not null or site2_entrez_gene_id is not null)
        and coalesce(site2_hugo_symbol, '') <> coalesce(site1_hugo_symbol, '')
),

structural_variant_events as (
    select
        study_id,
        sample_id,
        {{ resolved_gene('hugo_symbol', 'entrez_gene_id') }} as gene,
        hugo_symbol as source_gene_symbol,
        entrez_gene_id,
        'fusion' as alteration_type,
        coalesce(sv_class, 'Fusion') as variant_classification,
        event_info as protein_change,
        cast(null as bigint) as protein_position,
        cast(null as boolean) as is_nonsynonymous,
        cast(null as double) as cna_value,
        ncbi_build,
        chromosome,
        start_position,
        cast(null as bigint) as end_position,
        cast(null as {{ dbt.type_string() }}) as reference_allele,
        cast(null as {{ dbt.type_string() }}) as tumor_seq_allele2,
        source_file,
        source_line,
        cast(site as bigint) as source_column
    from sv_sites
),

unioned as (
    select * from mutation_events
    union all
    select * from copy_number_events
    union all
    select * from structural_variant_events
),

final as (
    select
        {{ dbt.hash("source_file || ':' || cast(source_line as " ~ dbt.type_string() ~ ") || ':' || cast(source_column as " ~ dbt.type_string() ~ ") || ':' || gene") }} as alteration_id,
        *
    from unioned
)

select * from final
