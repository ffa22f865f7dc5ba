{#- Every raw MAF data line whose gene resolves to ERBB2 (the quality layer's own resolution,
    seed gene_aliases), whether its Variant_Classification is nonsynonymous (seed
    variant_classifications), whether staging quarantined it, and what marts.fct_alterations
    made of it (by provenance). Grain: study_id, source_file, source_line. Built by study
    (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with raw_rows as (
    select
        study_id,
        source_file,
        source_line,
        {{ cbio_raw_field('Tumor_Sample_Barcode') }} as raw_sample_id,
        {{ cbio_raw_field('Hugo_Symbol') }} as raw_hugo_symbol,
        nullif({{ to_bigint(cbio_raw_field('Entrez_Gene_Id')) }}, 0) as raw_entrez_gene_id,
        {{ cbio_raw_field('Variant_Classification') }} as raw_variant_classification,
        {{ cbio_raw_field('HGVSp_Short') }} as raw_hgvsp
    from ({{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__mutations_lines'), scope)) }}) as parsed
),

nonsynonymous_classes as (
    select lower(variant_classification) as variant_classification_key
    from {{ ref('variant_classifications') }}
    where is_nonsynonymous
),

quarantined as (
    select study_id, source_file, source_line, max(reject_reason) as reject_reason
    from {{ ref('stg_cbioportal__mutations_rejected') }}
    where {{ scope }}
    group by study_id, source_file, source_line
),

erbb2_rows as (
    select *
    from raw_rows
    where {{ quality_resolves_to_erbb2('raw_hugo_symbol', 'raw_entrez_gene_id') }}
),

-- the facts of the ERBB2 lines only: joined to them before grouping (grouping every fact of the
-- warehouse by line was most of this model's time)
facts as (
    select
        alterations.study_id,
        alterations.source_file,
        alterations.source_line,
        max(case when alterations.gene = 'ERBB2' and alterations.alteration_type = 'mutation' then 1 else 0 end)
            as n_erbb2_mutation_facts,
        max(alterations.gene || ' ' || alterations.alteration_type) as fact_description
    from {{ her2lung_in_scope(ref('fct_alterations'), scope) }} as alterations
    inner join (select distinct study_id, source_file, source_line from erbb2_rows) as erbb2_lines
        on alterations.study_id = erbb2_lines.study_id
        and alterations.source_file = erbb2_lines.source_file
        and alterations.source_line = erbb2_lines.source_line
    where alterations.source_column = 0
    group by alterations.study_id, alterations.source_file, alterations.source_line
),

final as (
    select
        erbb2_rows.study_id,
        erbb2_rows.source_file,
        erbb2_rows.source_line,
        erbb2_rows.raw_sample_id,
        erbb2_rows.raw_hugo_symbol,
        erbb2_rows.raw_entrez_gene_id,
        erbb2_rows.raw_variant_classification,
        erbb2_rows.raw_hgvsp,
        lower(erbb2_rows.raw_variant_classification) in (
            select variant_classification_key from nonsynonymous_classes
        ) as is_nonsynonymous,
        quarantined.reject_reason,
        coalesce(facts.n_erbb2_mutation_facts, 0) = 1 as is_erbb2_mutation_fact,
        facts.fact_description,
        {{ quality_provenance('erbb2_rows.source_file', 'erbb2_rows.source_line') }} as provenance
    from erbb2_rows
    left join quarantined
        on erbb2_rows.study_id = quarantined.study_id
        and erbb2_rows.source_file = quarantined.source_file
        and erbb2_rows.source_line = quarantined.source_line
    left join facts
        on erbb2_rows.study_id = facts.study_id
        and erbb2_rows.source_file = facts.source_file
        and erbb2_rows.source_line = facts.source_line
)

select * from final
