{#- Where each ERBB2 mutation and amplification of marts.fct_alterations came from: the raw
    line its provenance (study, source_file, source_line, source_column) points at, read
    afresh from the raw layer, and the first problem found with it (NULL = traced cleanly).
    Mutations: exactly one raw MAF data line, for the same sample, whose Hugo_Symbol /
    Entrez_Gene_Id resolve to ERBB2. Amplifications: exactly one raw discrete CNA cell (wide:
    the sample's column; long: Sample_Id and Value) that reads 2 on a line resolving to ERBB2.
    Gene resolution is the quality layer's own (macros/quality/erbb2_quality_genes.sql).
    Grain: alteration_id. Built by study (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with facts as (
    select * from {{ ref('fct_alterations') }}
    where gene = 'ERBB2' and alteration_type in ('mutation', 'amplification') and {{ scope }}
),

maf_lines as (
    select
        study_id,
        source_file,
        source_line,
        {{ cbio_raw_field('Tumor_Sample_Barcode') }} as raw_sample_id,
        {{ cbio_raw_field('Hugo_Symbol') }} as raw_hugo_symbol,
        nullif({{ to_bigint(cbio_raw_field('Entrez_Gene_Id')) }}, 0) as raw_entrez_gene_id,
        cast(null as {{ dbt.type_string() }}) as raw_value
    from ({{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__mutations_lines'), scope)) }}) as parsed
),

wide_cna_lines as (
    select
        study_id,
        source_file,
        source_line,
        fields,
        header_names,
        {{ cbio_raw_field('Hugo_Symbol') }} as raw_hugo_symbol,
        nullif({{ to_bigint(cbio_raw_field('Entrez_Gene_Id')) }}, 0) as raw_entrez_gene_id
    from ({{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__cna_discrete_lines'), scope)) }}) as parsed
),

long_cna_lines as (
    select
        study_id,
        source_file,
        source_line,
        {{ cbio_raw_field('Sample_Id') }} as raw_sample_id,
        {{ cbio_raw_field('Hugo_Symbol') }} as raw_hugo_symbol,
        nullif({{ to_bigint(cbio_raw_field('Entrez_Gene_Id')) }}, 0) as raw_entrez_gene_id,
        {{ cbio_raw_field('Value') }} as raw_value
    from ({{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__cna_discrete_long_lines'), scope)) }}) as parsed
),

raw_matches as (
    select
        facts.alteration_id,
        maf_lines.raw_sample_id,
        maf_lines.raw_hugo_symbol,
        maf_lines.raw_entrez_gene_id,
        maf_lines.raw_value
    from facts
    inner join maf_lines
        on facts.study_id = maf_lines.study_id
        and facts.source_file = maf_lines.source_file
        and facts.source_line = maf_lines.source_line
    where facts.alteration_type = 'mutation'
    union all
    select
        facts.alteration_id,
        {{ quality_list_element('wide_cna_lines.header_names', 'facts.source_column') }} as raw_sample_id,
        wide_cna_lines.raw_hugo_symbol,
        wide_cna_lines.raw_entrez_gene_id,
        trim({{ quality_list_element('wide_cna_lines.fields', 'facts.source_column') }}) as raw_value
    from facts
    inner join wide_cna_lines
        on facts.study_id = wide_cna_lines.study_id
        and facts.source_file = wide_cna_lines.source_file
        and facts.source_line = wide_cna_lines.source_line
    where facts.alteration_type = 'amplification' and facts.source_column > 0
    union all
    select
        facts.alteration_id,
        long_cna_lines.raw_sample_id,
        long_cna_lines.raw_hugo_symbol,
        long_cna_lines.raw_entrez_gene_id,
        long_cna_lines.raw_value
    from facts
    inner join long_cna_lines
        on facts.study_id = long_cna_lines.study_id
        and facts.source_file = long_cna_lines.source_file
        and facts.source_line = long_cna_lines.source_line
    where facts.alteration_type = 'amplification'
),

traced as (
    select
        facts.alteration_id,
        facts.study_id,
        facts.sample_id,
        facts.alteration_type,
        facts.variant_classification,
        facts.protein_change,
        facts.cna_value,
        facts.source_file,
        facts.source_line,
        facts.source_column,
        count(raw_matches.alteration_id) as n_raw_matches,
        max(raw_matches.raw_sample_id) as raw_sample_id,
        max(raw_matches.raw_hugo_symbol) as raw_hugo_symbol,
        max(raw_matches.raw_entrez_gene_id) as raw_entrez_gene_id,
        max(raw_matches.raw_value) as raw_value
    from facts
    left join raw_matches
        on facts.alteration_id = raw_matches.alteration_id
    group by
        facts.alteration_id, facts.study_id, facts.sample_id, facts.alteration_type,
        facts.variant_classification, facts.protein_change, facts.cna_value,
        facts.source_file, facts.source_line, facts.source_column
),

final as (
    select
        traced.*,
        {{ quality_resolves_to_erbb2('raw_hugo_symbol', 'raw_entrez_gene_id') }} as raw_resolves_to_erbb2,
        case
            when n_raw_matches = 0
                then 'traces to no raw ' || case alteration_type when 'mutation' then 'MAF data line' else 'discrete CNA cell' end
            when n_raw_matches > 1
                then 'traces to ' || {{ quality_text('n_raw_matches') }} || ' raw lines'
            when lower(trim(coalesce(raw_sample_id, ''))) <> lower(trim(sample_id))
                then 'its raw ' || case alteration_type when 'mutation' then 'MAF line' else 'CNA cell' end
                    || ' is for sample ''' || coalesce(raw_sample_id, '') || ''''
            when alteration_type = 'amplification' and coalesce({{ to_double('raw_value') }}, 0) <> 2
                then 'its raw CNA cell reads ''' || coalesce(raw_value, '') || ''', not 2'
            when alteration_type = 'amplification' and coalesce(cna_value, 0) <> 2
                then 'its cna_value is ' || {{ quality_text('cna_value') }} || ', not 2'
            when not coalesce({{ quality_resolves_to_erbb2('raw_hugo_symbol', 'raw_entrez_gene_id') }}, false)
                then 'its raw line has Hugo_Symbol ''' || coalesce(raw_hugo_symbol, '')
                    || ''' / Entrez_Gene_Id ' || {{ quality_text('raw_entrez_gene_id') }}
                    || ', which does not resolve to ERBB2'
        end as trace_problem,
        {{ quality_provenance('source_file', 'source_line') }}
            || case when alteration_type = 'amplification'
                then ', column ' || {{ quality_text('source_column') }} else '' end as provenance
    from traced
)

select * from final
