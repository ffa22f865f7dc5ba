{#- Genes (rows) present in each discrete CNA file: what a CNA file can call. Grain:
    study_id, source_file, hugo_symbol/entrez_gene_id. -#}
with wide_rows as (
    {{ cbio_data_rows(ref('raw_cbioportal__cna_discrete_lines')) }}
),

long_rows as (
    {{ cbio_data_rows(ref('raw_cbioportal__cna_discrete_long_lines')) }}
),

genes as (
    select study_id, source_file, {{ cbio_raw_field('Hugo_Symbol') }} as hugo_symbol,
        {{ cbio_raw_field('Entrez_Gene_Id') }} as entrez_gene_id_raw
    from wide_rows
    union all
    select study_id, source_file, {{ cbio_raw_field('Hugo_Symbol') }} as hugo_symbol,
        {{ cbio_raw_field('Entrez_Gene_Id') }} as entrez_gene_id_raw
    from long_rows
),

final as (
    select distinct
        study_id,
        source_file,
        nullif(nullif(hugo_symbol, ''), 'NA') as hugo_symbol,
        nullif({{ to_bigint("nullif(entrez_gene_id_raw, 'NA')") }}, 0) as entrez_gene_id
    from genes
)

select * from final
where hugo_symbol is not null or entrez_gene_id is not null
