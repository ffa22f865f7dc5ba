{#- Every data row of the structural variant files, typed, with the first reason to reject
    it (NULL = valid). Grain: one row per raw data line (source_file, source_line). -#}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with parsed as (
    {{ cbio_data_rows(ref('raw_cbioportal__structural_variants_lines')) }}
),

clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null
),

typed as (
    select
        study_id,
        source_file,
        source_line,
        line,
        {{ field_count_problem() }} as field_count_problem,
        {{ cbio_field('Sample_Id') }} as sample_id,
        {{ cbio_field('Site1_Hugo_Symbol') }} as site1_hugo_symbol,
        nullif({{ to_bigint(cbio_field('Site1_Entrez_Gene_Id')) }}, 0) as site1_entrez_gene_id,
        {{ cbio_field('Site2_Hugo_Symbol') }} as site2_hugo_symbol,
        nullif({{ to_bigint(cbio_field('Site2_Entrez_Gene_Id')) }}, 0) as site2_entrez_gene_id,
        {{ cbio_field('Site1_Chromosome') }} as site1_chromosome,
        {{ to_bigint(cbio_field('Site1_Position')) }} as site1_position,
        {{ cbio_field('Site2_Chromosome') }} as site2_chromosome,
        {{ to_bigint(cbio_field('Site2_Position')) }} as site2_position,
        {{ cbio_field('SV_Status') }} as sv_status,
        {{ cbio_field('Class') }} as sv_class,
        {{ cbio_field('Event_Info') }} as event_info,
        {{ cbio_field('NCBI_Build') }} as ncbi_build
    from parsed
),

-- an identical event (same sample, genes, breakpoints and event) listed twice is quarantined
ranked as (
    select
        typed.*,
        row_number() over (
            partition by study_id, sample_id, site1_hugo_symbol, site1_entrez_gene_id, site2_hugo_symbol,
                site2_entrez_gene_id, site1_chromosome, site1_position, site2_chromosome, site2_position,
                sv_status, sv_class, event_info
            order by source_file, source_line
        ) as occurrence,
        first_value('line ' || cast(source_line as {{ dbt.type_string() }}) || ' of ' || source_file) over (
            partition by study_id, sample_id, site1_hugo_symbol, site1_entrez_gene_id, site2_hugo_symbol,
                site2_entrez_gene_id, site1_chromosome, site1_position, site2_chromosome, site2_position,
                sv_status, sv_class, event_info
            order by source_file, source_line
        ) as first_occurrence
    from typed
),

final as (
    select
        typed.study_id,
        typed.sample_id,
        typed.site1_hugo_symbol,
        typed.site1_entrez_gene_id,
        typed.site2_hugo_symbol,
        typed.site2_entrez_gene_id,
        typed.site1_chromosome,
        typed.site1_position,
        typed.site2_chromosome,
        typed.site2_position,
        typed.sv_status,
        typed.sv_class,
        typed.event_info,
        typed.ncbi_build,
        typed.source_file,
        typed.source_line,
        typed.line,
        case
            when typed.field_count_problem is not null then typed.field_count_problem
            when typed.sample_id is null then 'empty Sample_Id'
            when typed.site1_hugo_symbol is null and typed.site1_entrez_gene_id is null
                and typed.site2_hugo_symbol is null and typed.site2_entrez_gene_id is null
                then 'empty gene at both sites'
            when clinical_samples.sample_id is null
                then 'sample ''' || typed.sample_id || ''' is not in the clinical sample file'
            when typed.occurrence > 1
                then 'duplicate structural variant (identical to ' || typed.first_occurrence || ')'
        end as reject_reason
    from ranked as typed
    left join clinical_samples
        on typed.study_id = clinical_samples.study_id
        and typed.sample_id = clinical_samples.sample_id
)

select * from final
