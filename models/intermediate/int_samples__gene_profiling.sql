{#- Whether each sample was profiled for each gene of interest (seed genes_of_interest) and
    alteration type. The rule, per sample and type:
    1. the sample has a row in the study's gene panel matrix for the type: profiled iff the
       panel is not NA and its gene list holds the gene (a panel without a gene list profiles nothing);
    2. otherwise the study's case list for the type (_sequenced for mutations, _cna for copy
       number, _sv / _structural_variants for structural variants) decides; without such a list,
       presence in the data file does (MAF rows, CNA header); for structural variants without an
       SV list, a study with an SV file uses its sequenced list, and legacy MAF fusion rows make
       mutation-profiled samples fusion-profiled;
    3. and the study must have a data file of that type; for copy number, the gene must be a
       row of the study's CNA file.
    Grain: study_id, sample_id, gene, alteration_type. -#}
with samples as (
    select study_id, sample_id from {{ ref('stg_cbioportal__samples') }}
),

genes as (
    select hugo_symbol as gene, cast(entrez_gene_id as bigint) as entrez_gene_id
    from {{ ref('genes_of_interest') }}
),

alteration_types as (
    select 'mutation' as alteration_type
    union all select 'copy_number'
    union all select 'structural_variant'
),

data_files as (
    select study_id, data_kind from {{ ref('raw_cbioportal__data_files') }}
    where is_present and study_id is not null
),

study_data as (
    select
        study_id,
        max(case when data_kind = 'mutations' then 1 else 0 end) = 1 as has_mutation_file,
        max(case when data_kind in ('cna_discrete', 'cna_discrete_long') then 1 else 0 end) = 1 as has_cna_file,
        max(case when data_kind = 'structural_variants' then 1 else 0 end) = 1 as has_sv_file
    from data_files
    group by study_id
),

legacy_fusion_studies as (
    select distinct study_id from {{ ref('stg_cbioportal__mutations') }} where is_fusion
),

panel_assignments as (
    select
        study_id,
        sample_id,
        case alteration_kind
            when 'mutation' then 'mutation'
            when 'cna' then 'copy_number'
            when 'structural_variant' then 'structural_variant'
        end as alteration_type,
        max(gene_panel_id) as gene_panel_id
    from {{ ref('stg_cbioportal__gene_panels') }}
    where alteration_kind in ('mutation', 'cna', 'structural_variant')
    group by study_id, sample_id, alteration_kind
),

panel_genes as (
    select distinct
        gene_panel_id,
        {{ resolved_gene('hugo_symbol', 'entrez_gene_id') }} as gene
    from {{ ref('stg_cbioportal__gene_panel_genes') }}
),

defined_panels as (
    select distinct gene_panel_id from panel_genes
),

case_lists as (
    select study_id, sample_id, case_list_role, case_list_id from {{ ref('stg_cbioportal__case_lists') }}
),

study_case_list_roles as (
    select distinct study_id, case_list_role from case_lists
),

mutation_samples as (
    select distinct study_id, sample_id from {{ ref('stg_cbioportal__mutations') }}
),

cna_samples as (
    select distinct study_id, sample_id from {{ ref('stg_cbioportal__cna_samples') }}
),

cna_genes as (
    select distinct
        study_id,
        {{ resolved_gene('hugo_symbol', 'entrez_gene_id') }} as gene
    from {{ ref('stg_cbioportal__cna_genes') }}
),

grid as (
    select samples.study_id, samples.sample_id, genes.gene, alteration_types.alteration_type
    from samples
    cross join genes
    cross join alteration_types
),

case_list_decision as (
    select
        grid.study_id,
        grid.sample_id,
        grid.gene,
        grid.alteration_type,
        case grid.alteration_type
            when 'mutation' then
                case
                    when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'sequenced')
                        then exists (select 1 from case_lists c where c.study_id = grid.study_id and c.sample_id = grid.sample_id and c.case_list_role = 'sequenced')
                    else exists (select 1 from mutation_samples m where m.study_id = grid.study_id and m.sample_id = grid.sample_id)
                end
            when 'copy_number' then
                case
                    when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'cna')
                        then exists (select 1 from case_lists c where c.study_id = grid.study_id and c.sample_id = grid.sample_id and c.case_list_role = 'cna')
                    else exists (select 1 from cna_samples s where s.study_id = grid.study_id and s.sample_id = grid.sample_id)
                end
            else
                case
                    when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'structural_variants')
                        then exists (select 1 from case_lists c where c.study_id = grid.study_id and c.sample_id = grid.sample_id and c.case_list_role = 'structural_variants')
                    when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'sequenced')
                        then exists (select 1 from case_lists c where c.study_id = grid.study_id and c.sample_id = grid.sample_id and c.case_list_role = 'sequenced')
                    else exists (select 1 from mutation_samples m where m.study_id = grid.study_id and m.sample_id = grid.sample_id)
                end
        end as is_in_case_list,
        case grid.alteration_type
            when 'mutation' then
                case when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'sequenced')
                    then 'case_list:sequenced' else 'data_file:mutations' end
            when 'copy_number' then
                case when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'cna')
                    then 'case_list:cna' else 'data_file:cna' end
            else
                case when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'structural_variants')
                    then 'case_list:structural_variants'
                    when exists (select 1 from study_case_list_roles r where r.study_id = grid.study_id and r.case_list_role = 'sequenced')
                    then 'case_list:sequenced' else 'data_file:mutations' end
        end as case_list_source
    from grid
),

decided as (
    select
        case_list_decision.study_id,
        case_list_decision.sample_id,
        case_list_decision.gene,
        case_list_decision.alteration_type,
        panel_assignments.gene_panel_id,
        case
            when panel_assignments.sample_id is not null then
                panel_assignments.gene_panel_id is not null
                and exists (
                    select 1 from panel_genes
                    where panel_genes.gene_panel_id = panel_assignments.gene_panel_id
                        and panel_genes.gene = case_list_decision.gene
                )
            else case_list_decision.is_in_case_list
        end as is_selected,
        case
            when panel_assignments.sample_id is not null and panel_assignments.gene_panel_id is null then 'gene_panel:NA'
            when panel_assignments.sample_id is not null then 'gene_panel:' || panel_assignments.gene_panel_id
            else case_list_decision.case_list_source
        end as profiling_source,
        panel_assignments.gene_panel_id is not null
            and panel_assignments.gene_panel_id not in (select gene_panel_id from defined_panels) as is_panel_undefined
    from case_list_decision
    left join panel_assignments
        on case_list_decision.study_id = panel_assignments.study_id
        and case_list_decision.sample_id = panel_assignments.sample_id
        and case_list_decision.alteration_type = panel_assignments.alteration_type
),

final as (
    select
        decided.study_id,
        decided.sample_id,
        decided.gene,
        decided.alteration_type,
        coalesce(
            decided.is_selected
            and case decided.alteration_type
                when 'mutation' then study_data.has_mutation_file
                when 'copy_number' then study_data.has_cna_file
                    and exists (select 1 from cna_genes where cna_genes.study_id = decided.study_id and cna_genes.gene = decided.gene)
                else study_data.has_sv_file
                    or decided.study_id in (select study_id from legacy_fusion_studies)
            end,
            false
        ) as is_profiled,
        decided.profiling_source,
        decided.gene_panel_id,
        decided.is_panel_undefined
    from decided
    left join study_data
        on decided.study_id = study_data.study_id
)

select * from final
