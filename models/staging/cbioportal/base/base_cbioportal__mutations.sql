{#- Every data row of the MAF files, typed, with the first reason to reject it (NULL = valid).
    Grain: one row per raw data line (source_file, source_line). The raw line is not repeated
    here (it is in raw_cbioportal__mutations_lines; the quarantine joins it back): storing it
    twice was a sizeable part of this model's time and of the warehouse file.
    Built by study: only new and changed studies are parsed again. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}
with parsed as (
    {{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__mutations_lines'), scope)) }}
),

-- each field cut out of the line once; missing-value spellings are turned into NULL below
raw_fields as (
    select
        study_id,
        source_file,
        source_line,
        missing_tokens,
        {{ field_count_problem() }} as field_count_problem,
        {%- for name in ['Tumor_Sample_Barcode', 'Hugo_Symbol', 'Entrez_Gene_Id', 'Variant_Classification',
            'Variant_Type', 'NCBI_Build', 'Chromosome', 'Start_Position', 'End_Position', 'Reference_Allele',
            'Tumor_Seq_Allele1', 'Tumor_Seq_Allele2', 'HGVSp_Short', 'Protein_Change', 'Amino_Acid_Change',
            'Protein_position', 'Mutation_Status', 't_ref_count', 't_alt_count'] %}
        {{ cbio_raw_field(name) }} as {{ name | lower }}{{ "," if not loop.last }}
        {%- endfor %}
    from parsed
),

typed as (
    select
        study_id,
        source_file,
        source_line,
        field_count_problem,
        {{ missing_to_null('tumor_sample_barcode') }} as sample_id,
        {{ missing_to_null('hugo_symbol') }} as hugo_symbol,
        {{ missing_to_null('entrez_gene_id') }} as entrez_gene_id_raw,
        nullif(variant_classification, '') as variant_classification_raw,
        {{ missing_to_null('variant_type') }} as variant_type,
        {{ missing_to_null('ncbi_build') }} as ncbi_build,
        {{ missing_to_null('chromosome') }} as chromosome,
        {{ missing_to_null('start_position') }} as start_position_raw,
        {{ missing_to_null('end_position') }} as end_position_raw,
        {{ missing_to_null('reference_allele') }} as reference_allele,
        {{ missing_to_null('tumor_seq_allele1') }} as tumor_seq_allele1,
        {{ missing_to_null('tumor_seq_allele2') }} as tumor_seq_allele2,
        coalesce(
            {{ missing_to_null('hgvsp_short') }},
            {{ missing_to_null('protein_change') }},
            {{ missing_to_null('amino_acid_change') }}
        ) as protein_change,
        {{ missing_to_null('protein_position') }} as protein_position_raw,
        {{ missing_to_null('mutation_status') }} as mutation_status,
        {{ missing_to_null('t_ref_count') }} as t_ref_count_raw,
        {{ missing_to_null('t_alt_count') }} as t_alt_count_raw
    from raw_fields
),

variant_classifications as (
    select * from {{ ref('variant_classifications') }}
),

clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null and {{ scope }}
),

-- read three times below (DuckDB materialises it once): without the raw line, which stays in
-- raw_cbioportal__mutations_lines and is joined to the quarantined rows only
classified as (
    select
        typed.*,
        nullif({{ to_bigint('entrez_gene_id_raw') }}, 0) as entrez_gene_id,
        variant_classifications.variant_classification,
        variant_classifications.is_nonsynonymous,
        variant_classifications.is_fusion,
        {{ to_bigint('start_position_raw') }} as start_position,
        {{ to_bigint('end_position_raw') }} as end_position,
        coalesce(
            {{ to_bigint(regexp_extract_group('protein_position_raw', '^([0-9]+)', 1)) }},
            {{ to_bigint(regexp_extract_group('protein_change', '^p\\.[A-Za-z*]*([0-9]+)', 1)) }}
        ) as protein_position,
        {{ to_bigint('t_ref_count_raw') }} as t_ref_count,
        {{ to_bigint('t_alt_count_raw') }} as t_alt_count
    from typed
    left join variant_classifications
        on lower(typed.variant_classification_raw) = lower(variant_classifications.variant_classification)
),

{%- set duplicate_key = ['classified.study_id', 'classified.sample_id', 'classified.chromosome',
    'classified.start_position', 'classified.reference_allele', 'classified.tumor_seq_allele2',
    "coalesce(classified.hugo_symbol, '')", 'classified.variant_classification'] %}

-- Duplicate detection ranks only the rows whose key is shared (found by a hash of the key, then
-- compared exactly in the window): sorting all 3 million GENIE rows was most of this model's time.
shared_key_hashes as (
    select {{ row_hash(duplicate_key) }} as key_hash
    from classified
    group by 1
    having count(*) > 1
),

repeated as (
    select
        classified.source_file,
        classified.source_line,
        row_number() over (
            partition by {{ duplicate_key | join(', ') }}
            order by classified.source_file, classified.source_line
        ) as occurrence,
        first_value('line ' || cast(classified.source_line as {{ dbt.type_string() }}) || ' of ' || classified.source_file) over (
            partition by {{ duplicate_key | join(', ') }}
            order by classified.source_file, classified.source_line
        ) as first_line
    from classified
    where {{ row_hash(duplicate_key) }} in (select key_hash from shared_key_hashes)
),

checked as (
    select
        classified.*,
        clinical_samples.sample_id is not null as is_known_sample,
        coalesce(repeated.occurrence, 1) as occurrence,
        coalesce(
            repeated.first_line,
            'line ' || cast(classified.source_line as {{ dbt.type_string() }}) || ' of ' || classified.source_file
        ) as first_line
    from classified
    left join clinical_samples
        on classified.study_id = clinical_samples.study_id
        and classified.sample_id = clinical_samples.sample_id
    left join repeated
        on classified.source_file = repeated.source_file
        and classified.source_line = repeated.source_line
),

final as (
    select
        study_id,
        sample_id,
        hugo_symbol,
        entrez_gene_id,
        variant_classification,
        is_nonsynonymous,
        is_fusion,
        variant_type,
        ncbi_build,
        chromosome,
        start_position,
        end_position,
        reference_allele,
        tumor_seq_allele1,
        tumor_seq_allele2,
        protein_change,
        protein_position,
        mutation_status,
        t_ref_count,
        t_alt_count,
        source_file,
        source_line,
        case
            when field_count_problem is not null then field_count_problem
            when sample_id is null then 'empty Tumor_Sample_Barcode'
            when hugo_symbol is null and entrez_gene_id is null
                then 'empty gene (no Hugo_Symbol and no Entrez_Gene_Id)'
            when variant_classification_raw is null then 'empty Variant_Classification'
            when variant_classification is null
                then 'unknown Variant_Classification ''' || variant_classification_raw || ''''
            when entrez_gene_id_raw is not null and entrez_gene_id_raw <> '0'
                and (not {{ is_integer_text('entrez_gene_id_raw') }} or {{ to_bigint('entrez_gene_id_raw') }} <= 0)
                then 'Entrez_Gene_Id ''' || entrez_gene_id_raw || ''' is not a positive integer'
            when start_position_raw is not null and (not {{ is_integer_text('start_position_raw') }} or start_position is null)
                then 'Start_Position ''' || start_position_raw || ''' is not an integer'
            when end_position_raw is not null and (not {{ is_integer_text('end_position_raw') }} or end_position is null)
                then 'End_Position ''' || end_position_raw || ''' is not an integer'
            when not is_known_sample
                then 'sample ''' || sample_id || ''' is not in the clinical sample file'
            when start_position is not null and occurrence > 1
                then 'duplicate mutation (same sample, gene, position and alleles as ' || first_line || ')'
        end as reject_reason
    from checked
)

select * from final
