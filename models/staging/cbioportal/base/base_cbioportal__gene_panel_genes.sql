{#- Genes listed by each gene panel file (gene_list: tab-separated symbols or Entrez ids).
    Grain: one row per panel file, gene list line and list position. -#}
with panel_lines as (
    select * from {{ ref('raw_cbioportal__gene_panel_lines') }}
),

data_files as (
    select study_folder, study_id from {{ ref('raw_cbioportal__data_files') }}
    where data_kind = 'gene_panel'
    group by study_folder, study_id
),

panel_ids as (
    select source_file, max(meta_value) as gene_panel_id
    from panel_lines
    where meta_key = 'stable_id'
    group by source_file
),

genes as (
    select
        panel_lines.study_folder,
        panel_lines.source_file,
        panel_lines.source_line,
        panel_lines.line,
        {{ unnest_with_position(trim_list(split_tabs('panel_lines.meta_value')), 'gene', 'list_position') }}
    from panel_lines
    where panel_lines.meta_key = 'gene_list'
),

final as (
    select
        data_files.study_id,
        panel_ids.gene_panel_id,
        case when not {{ is_integer_text('genes.gene') }} then upper(genes.gene) end as hugo_symbol,
        case when {{ is_integer_text('genes.gene') }} then {{ to_bigint('genes.gene') }} end as entrez_gene_id,
        genes.source_file,
        genes.source_line,
        genes.list_position,
        genes.line,
        case
            when panel_ids.gene_panel_id is null or panel_ids.gene_panel_id = '' then 'gene panel file has no stable_id'
            when genes.gene = '' then 'empty gene in gene_list'
        end as reject_reason
    from genes
    left join panel_ids on genes.source_file = panel_ids.source_file
    left join data_files on genes.study_folder = data_files.study_folder
)

select * from final
