{#- Alteration events with the business rules applied, each in one place:
    - is_oncogenic: the mutation matches seed oncogenic_variants (gene, class, codon range, alt residue);
    - counts_as_mutated: the mutation counts for var driver_definition ('nonsynonymous' or 'oncogenic');
    - erbb2_mutation_class: exon20_insertion | tkd_missense | ecd_s310 | tmd | other, from
      Variant_Classification and protein (or, without a protein position, genomic) position
      against seeds erbb2_protein_regions and erbb2_loci. Never from string patterns of HGVSp.
    Grain: alteration_id.
    A view: fct_alterations stores these rows (with the mart's types), and int_samples__genomics
    reads only the driver and ERBB2 rows; a stored copy here cost a full write of every event. -#}
{{ config(materialized='view') }}
with alterations as (
    select * from {{ ref('int_alterations__unioned') }}
),

oncogenic_variants as (
    select * from {{ ref('oncogenic_variants') }}
),

regions as (
    select
        max(case when region = 'protein' then protein_end end) as protein_length,
        max(case when region = 'ecd_s310' then protein_start end) as s310_start,
        max(case when region = 'ecd_s310' then protein_end end) as s310_end,
        max(case when region = 'tmd' then protein_start end) as tmd_start,
        max(case when region = 'tmd' then protein_end end) as tmd_end,
        max(case when region = 'tkd' then protein_start end) as tkd_start,
        max(case when region = 'tkd' then protein_end end) as tkd_end,
        max(case when region = 'exon20' then protein_start end) as exon20_start,
        max(case when region = 'exon20' then protein_end end) as exon20_end
    from {{ ref('erbb2_protein_regions') }}
),

exon20_loci as (
    select upper(ncbi_build) as ncbi_build, cast(chromosome as {{ dbt.type_string() }}) as chromosome,
        start_position, end_position
    from {{ ref('erbb2_loci') }}
    where region = 'exon20'
),

with_alt_residue as (
    select
        alterations.*,
        -- the alternate residue of a simple substitution written p.L858R (NULL otherwise)
        {{ regexp_extract_group('alterations.protein_change', '^p\\.[A-Z][0-9]+([A-Z*])$', 1) }} as alt_residue
    from alterations
),

classified as (
    select
        with_alt_residue.*,
        -- a correlated EXISTS, not a join with the matches of every row: a reader's filter (the
        -- study scope of fct_alterations and int_samples__genomics) then cuts the matching too
        exists (
            select 1
            from oncogenic_variants
            where with_alt_residue.alteration_type = 'mutation'
                and oncogenic_variants.gene = with_alt_residue.gene
                and {{ delimited_list_contains('oncogenic_variants.variant_classifications', '|', 'with_alt_residue.variant_classification') }}
                and with_alt_residue.protein_position between oncogenic_variants.protein_start and oncogenic_variants.protein_end
                and (
                    oncogenic_variants.alt_residues is null
                    or position(with_alt_residue.alt_residue in oncogenic_variants.alt_residues) > 0
                )
        ) as is_oncogenic,
        case
            when with_alt_residue.gene <> 'ERBB2' or with_alt_residue.alteration_type <> 'mutation'
                or not with_alt_residue.is_nonsynonymous then null
            when with_alt_residue.variant_classification = 'In_Frame_Ins'
                and (
                    with_alt_residue.protein_position between regions.exon20_start and regions.exon20_end
                    or (
                        with_alt_residue.protein_position is null
                        and exon20_loci.start_position is not null
                        and with_alt_residue.start_position between exon20_loci.start_position and exon20_loci.end_position
                    )
                ) then 'exon20_insertion'
            when with_alt_residue.variant_classification = 'Missense_Mutation'
                and with_alt_residue.protein_position between regions.tkd_start and regions.tkd_end then 'tkd_missense'
            when with_alt_residue.variant_classification = 'Missense_Mutation'
                and with_alt_residue.protein_position between regions.s310_start and regions.s310_end then 'ecd_s310'
            when with_alt_residue.variant_classification = 'Missense_Mutation'
                and with_alt_residue.protein_position between regions.tmd_start and regions.tmd_end then 'tmd'
            else 'other'
        end as erbb2_mutation_class
    from with_alt_residue
    cross join regions
    left join exon20_loci
        on upper(with_alt_residue.ncbi_build) = exon20_loci.ncbi_build
        and replace(upper(with_alt_residue.chromosome), 'CHR', '') = exon20_loci.chromosome
),

final as (
    select
        classified.*,
        case
            when alteration_type <> 'mutation' then null
            {%- if var('driver_definition') == 'oncogenic' %}
            else is_oncogenic and coalesce(is_nonsynonymous, false)
            {%- elif var('driver_definition') == 'nonsynonymous' %}
            else coalesce(is_nonsynonymous, false)
            {%- else %}
            {{ exceptions.raise_compiler_error("var driver_definition must be 'nonsynonymous' or 'oncogenic', got '" ~ var('driver_definition') ~ "'") }}
            {%- endif %}
        end as counts_as_mutated
    from classified
)

select * from final
