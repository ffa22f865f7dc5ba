{#- The ERBB2 calls of marts.fct_alterations with what their row-level checks need: the
    ERBB2 locus of the row's NCBI_Build (seed erbb2_loci), the protein regions (seed
    erbb2_protein_regions), the codon written in HGVSp, the class the row should have, and
    whether the sample is profiled for ERBB2 for this kind of alteration. The rules themselves
    are tests in _quality__models.yml. Grain: alteration_id. -#}
with alterations as (
    select * from {{ ref('fct_alterations') }}
    where gene = 'ERBB2'
),

profiling as (
    select study_id, sample_id, alteration_type, is_profiled, profiling_source
    from {{ ref('fct_gene_profiling') }}
    where gene = 'ERBB2'
),

loci as (
    select
        upper(ncbi_build) as build_key,
        ncbi_build as locus_build,
        cast(chromosome as {{ dbt.type_string() }}) as locus_chromosome,
        start_position as locus_start,
        end_position as locus_end
    from {{ ref('erbb2_loci') }}
    where region = 'gene'
),

exon20_loci as (
    select
        upper(ncbi_build) as build_key,
        start_position as exon20_locus_start,
        end_position as exon20_locus_end
    from {{ ref('erbb2_loci') }}
    where region = 'exon20'
),

regions as (
    select
        max(case when region = 'protein' then protein_start end) as protein_start,
        max(case when region = 'protein' then protein_end end) as protein_end,
        max(case when region = 'exon20' then protein_start end) as exon20_start,
        max(case when region = 'exon20' then protein_end end) as exon20_end,
        max(case when region = 'tkd' then protein_start end) as tkd_start,
        max(case when region = 'tkd' then protein_end end) as tkd_end,
        max(case when region = 'tmd' then protein_start end) as tmd_start,
        max(case when region = 'tmd' then protein_end end) as tmd_end,
        max(case when region = 'ecd_s310' then protein_start end) as s310_start,
        max(case when region = 'ecd_s310' then protein_end end) as s310_end
    from {{ ref('erbb2_protein_regions') }}
),

with_context as (
    select
        alterations.*,
        case alterations.alteration_type
            when 'mutation' then 'mutation'
            when 'fusion' then 'structural_variant'
            else 'copy_number'
        end as profiling_type,
        -- the first codon HGVSp names: p.Y772_A775dup -> 772, p.771_771A>AYVMA -> 771
        {{ to_bigint(regexp_extract_group('alterations.protein_change', '^p\\.[A-Za-z*]*([0-9]+)', 1)) }} as hgvsp_codon,
        replace(upper(alterations.chromosome), 'CHR', '') as chromosome_key,
        loci.locus_build,
        loci.locus_chromosome,
        loci.locus_start,
        loci.locus_end,
        exon20_loci.exon20_locus_start,
        exon20_loci.exon20_locus_end,
        regions.*
    from alterations
    cross join regions
    left join loci
        on upper(alterations.ncbi_build) = loci.build_key
    left join exon20_loci
        on upper(alterations.ncbi_build) = exon20_loci.build_key
),

expected as (
    select
        with_context.*,
        coalesce(hgvsp_codon, protein_position) as codon,
        -- the class the HGVSp codon and Variant_Classification call for (independent of
        -- int_alterations__classified, which reads Protein_position)
        case
            when alteration_type <> 'mutation' or not coalesce(is_nonsynonymous, false) then null
            when variant_classification = 'In_Frame_Ins'
                and coalesce(hgvsp_codon, protein_position) between exon20_start and exon20_end
                then 'exon20_insertion'
            when variant_classification = 'In_Frame_Ins'
                and coalesce(hgvsp_codon, protein_position) is null
                and chromosome_key = locus_chromosome
                and start_position between exon20_locus_start and exon20_locus_end
                then 'exon20_insertion'
            when variant_classification = 'Missense_Mutation'
                and coalesce(hgvsp_codon, protein_position) between tkd_start and tkd_end then 'tkd_missense'
            when variant_classification = 'Missense_Mutation'
                and coalesce(hgvsp_codon, protein_position) between s310_start and s310_end then 'ecd_s310'
            when variant_classification = 'Missense_Mutation'
                and coalesce(hgvsp_codon, protein_position) between tmd_start and tmd_end then 'tmd'
            else 'other'
        end as expected_erbb2_mutation_class
    from with_context
),

final as (
    select
        expected.alteration_id,
        expected.study_id,
        expected.sample_id,
        expected.alteration_type,
        expected.variant_classification,
        expected.protein_change,
        expected.protein_position,
        expected.hgvsp_codon,
        expected.is_nonsynonymous,
        expected.erbb2_mutation_class,
        expected.expected_erbb2_mutation_class,
        expected.cna_value,
        expected.source_gene_symbol,
        expected.entrez_gene_id,
        expected.ncbi_build,
        expected.chromosome,
        expected.chromosome_key,
        expected.start_position,
        expected.end_position,
        expected.locus_build,
        expected.locus_chromosome,
        expected.locus_start,
        expected.locus_end,
        expected.protein_start,
        expected.protein_end,
        expected.exon20_start,
        expected.exon20_end,
        expected.profiling_type,
        coalesce(profiling.is_profiled, false) as is_profiled,
        coalesce(profiling.profiling_source, 'no fct_gene_profiling row') as profiling_source,
        expected.source_file,
        expected.source_line,
        expected.source_column,
        -- texts for the checks' messages (never NULL)
        coalesce(expected.protein_change, expected.variant_classification, expected.alteration_type) as variant_text,
        {{ quality_text('expected.chromosome') }} || ':' || {{ quality_text('expected.start_position') }}
            || '-' || {{ quality_text('expected.end_position') }}
            || ' (' || coalesce(expected.ncbi_build, 'no NCBI_Build') || ')' as position_text,
        coalesce(
            expected.locus_chromosome || ':' || cast(expected.locus_start as {{ dbt.type_string() }})
                || '-' || cast(expected.locus_end as {{ dbt.type_string() }}),
            'unknown'
        ) as locus_text,
        {{ quality_provenance('expected.source_file', 'expected.source_line') }} as provenance
    from expected
    left join profiling
        on expected.study_id = profiling.study_id
        and expected.sample_id = profiling.sample_id
        and expected.profiling_type = profiling.alteration_type
)

select * from final
