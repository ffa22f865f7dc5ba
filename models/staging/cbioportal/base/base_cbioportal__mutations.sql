{#- Every data row of the MAF files, typed, with the first reason to reject it (NULL = valid).
    Grain: one row per raw data line (source_file, source_line). -#}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with parsed as (
    {{ cbio_data_rows(ref('raw_cbioportal__mutations_lines')) }}
),

variant_classifications as (
    select * from {{ ref('variant_classifications') }}
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
        {{ cbio_field('Tumor_Sample_Barcode') }} as sample_id,
        {{ cbio_field('Hugo_Symbol') }} as hugo_symbol,
        {{ cbio_field('Entrez_Gene_Id') }} as entrez_gene_id_raw,
        nullif({{ cbio_raw_field('Variant_Classification') }}, '') as variant_classification_raw,
        {{ cbio_field('Variant_Type') }} as variant_type,
        {{ cbio_field('NCBI_Build') }} as ncbi_build,
        {{ cbio_field('Chromosome') }} as chromosome,
        {{ cbio_field('Start_Position') }} as start_position_raw,
        {{ cbio_field('End_Position') }} as end_position_raw,
        {{ cbio_field('Reference_Allele') }} as reference_allele,
        {{ cbio_field('Tumor_Seq_Allele1') }} as tumor_seq_allele1,
        {{ cbio_field('Tumor_Seq_Allele2') }} as tumor_seq_allele2,
        {{ cbio_field(['HGVSp_Short', 'Protein_Change', 'Amino_Acid_Change']) }} as protein_change,
        {{ cbio_field('Protein_position') }} as protein_position_raw,
        {{ cbio_field('Mutation_Status') }} as mutation_status,
        {{ cbio_field('t_ref_count') }} as t_ref_count_raw,
        {{ cbio_field('t_alt_count') }} as t_alt_count_raw
    from parsed
),

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
        line,
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
