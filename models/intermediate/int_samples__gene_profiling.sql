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
    Grain: study_id, sample_id, gene, alteration_type.
    A view: fct_gene_profiling stores these rows (11 M at GENIE scale: samples x genes x types)
    with the mart's types, and int_samples__genomics reads only the driver and ERBB2 genes; a
    stored copy here cost a full write of every row. -#}
{{ config(materialized='view') }}
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

-- Case-list and data-file evidence depends on (study, sample, type), not on the gene: it is
-- decided once per sample with joins, then spread over the genes (no per-cell subqueries).
study_roles as (
    select
        study_id,
        bool_or(case_list_role = 'sequenced') as has_sequenced_list,
        bool_or(case_list_role = 'cna') as has_cna_list,
        bool_or(case_list_role = 'structural_variants') as has_sv_list
    from study_case_list_roles
    group by study_id
),

sample_lists as (
    select
        study_id,
        sample_id,
        bool_or(case_list_role = 'sequenced') as in_sequenced_list,
        bool_or(case_list_role = 'cna') as in_cna_list,
        bool_or(case_list_role = 'structural_variants') as in_sv_list
    from case_lists
    group by study_id, sample_id
),

sample_evidence as (
    select
        samples.study_id,
        samples.sample_id,
        coalesce(study_roles.has_sequenced_list, false) as has_sequenced_list,
        coalesce(study_roles.has_cna_list, false) as has_cna_list,
        coalesce(study_roles.has_sv_list, false) as has_sv_list,
        coalesce(sample_lists.in_sequenced_list, false) as in_sequenced_list,
        coalesce(sample_lists.in_cna_list, false) as in_cna_list,
        coalesce(sample_lists.in_sv_list, false) as in_sv_list,
        mutation_samples.sample_id is not null as in_mutation_file,
        cna_samples.sample_id is not null as in_cna_file
    from samples
    left join study_roles
        on samples.study_id = study_roles.study_id
    left join sample_lists
        on samples.study_id = sample_lists.study_id
        and samples.sample_id = sample_lists.sample_id
    left join mutation_samples
        on samples.study_id = mutation_samples.study_id
        and samples.sample_id = mutation_samples.sample_id
    left join cna_samples
        on samples.study_id = cna_samples.study_id
        and samples.sample_id = cna_samples.sample_id
),

case_list_by_type as (
    select
        study_id,
        sample_id,
        alteration_types.alteration_type,
        case alteration_types.alteration_type
            when 'mutation' then
                case when has_sequenced_list then in_sequenced_list else in_mutation_file end
            when 'copy_number' then
                case when has_cna_list then in_cna_list else in_cna_file end
            else
                case
                    when has_sv_list then in_sv_list
                    when has_sequenced_list then in_sequenced_list
                    else in_mutation_file
                end
        end as is_in_case_list,
        case alteration_types.alteration_type
            when 'mutation' then
                case when has_sequenced_list then 'case_list:sequenced' else 'data_file:mutations' end
            when 'copy_number' then
                case when has_cna_list then 'case_list:cna' else 'data_file:cna' end
            else
                case
                    when has_sv_list then 'case_list:structural_variants'
                    when has_sequenced_list then 'case_list:sequenced'
                    else 'data_file:mutations'
                end
        end as case_list_source
    from sample_evidence
    cross join alteration_types
),

-- everything that depends on (sample, type) but not on the gene: panel row, source, data file
-- of the study (11 M GENIE rows would otherwise each be joined to them)
type_decision as (
    select
        case_list_by_type.study_id,
        case_list_by_type.sample_id,
        case_list_by_type.alteration_type,
        case_list_by_type.is_in_case_list,
        panel_assignments.sample_id is not null as has_panel_row,
        panel_assignments.gene_panel_id,
        case
            when panel_assignments.sample_id is not null and panel_assignments.gene_panel_id is null then 'gene_panel:NA'
            when panel_assignments.sample_id is not null then 'gene_panel:' || panel_assignments.gene_panel_id
            else case_list_by_type.case_list_source
        end as profiling_source,
        panel_assignments.gene_panel_id is not null
            and panel_assignments.gene_panel_id not in (select gene_panel_id from defined_panels) as is_panel_undefined,
        case case_list_by_type.alteration_type
            when 'mutation' then study_data.has_mutation_file
            when 'copy_number' then study_data.has_cna_file
            else study_data.has_sv_file
                or case_list_by_type.study_id in (select study_id from legacy_fusion_studies)
        end as has_data_file
    from case_list_by_type
    left join panel_assignments
        on case_list_by_type.study_id = panel_assignments.study_id
        and case_list_by_type.sample_id = panel_assignments.sample_id
        and case_list_by_type.alteration_type = panel_assignments.alteration_type
    left join study_data
        on case_list_by_type.study_id = study_data.study_id
),

final as (
    select
        type_decision.study_id,
        type_decision.sample_id,
        genes.gene,
        type_decision.alteration_type,
        coalesce(
            case
                when type_decision.has_panel_row then
                    type_decision.gene_panel_id is not null
                    and panel_genes.gene is not null
                else type_decision.is_in_case_list
            end
            and case
                when type_decision.alteration_type = 'copy_number'
                    then type_decision.has_data_file and cna_genes.gene is not null
                else type_decision.has_data_file
            end,
            false
        ) as is_profiled,
        type_decision.profiling_source,
        type_decision.gene_panel_id,
        type_decision.is_panel_undefined
    from type_decision
    cross join genes
    left join panel_genes
        on type_decision.gene_panel_id = panel_genes.gene_panel_id
        and genes.gene = panel_genes.gene
    left join cna_genes
        on type_decision.study_id = cna_genes.study_id
        and genes.gene = cna_genes.gene
)

select * from final
