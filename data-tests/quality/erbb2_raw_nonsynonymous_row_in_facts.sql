{{ config(severity='error', tags=['quality']) }}
{#- No raw ERBB2 nonsynonymous MAF row is missing from marts.fct_alterations: every raw MAF
    data line whose gene resolves to ERBB2 and whose Variant_Classification is nonsynonymous
    is an ERBB2 mutation in the facts (quality.qa_erbb2_raw_mutations), unless staging
    quarantined it - those are named by quarantined_rows_named. One failing row per missing
    raw line. -#}
select
    {{ quality_columns(
        'erbb2_raw_nonsynonymous_row_in_facts', 'study_id', 'sample', 'raw_sample_id',
        "'raw ERBB2 ' || coalesce(raw_variant_classification, '') || ' ' || coalesce(raw_hgvsp, '')
            || ' (Hugo_Symbol ' || coalesce(raw_hugo_symbol, '') || ', ' || provenance
            || ') is missing from marts.fct_alterations'
            || case when fact_description is not null
                then ' (it is there as ' || fact_description || ')' else '' end"
    ) }},
    source_file,
    source_line
from {{ ref('qa_erbb2_raw_mutations') }}
where is_nonsynonymous
    and reject_reason is null
    and not is_erbb2_mutation_fact
