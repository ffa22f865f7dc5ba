{#- ERBB2 expression per sample, one value per sample: the mRNA z-score where the study has
    ERBB2 mRNA z-scores (one profile per study: the one with most ERBB2 values, ties by name);
    otherwise HER2 total protein from RPPA (non-phospho ERBB2 antibody), z-scored within the
    study (already z-scored profiles are used as given). Grain: study_id, sample_id. -#}
with mrna as (
    select
        study_id,
        sample_id,
        profile_id,
        z_score
    from {{ ref('stg_cbioportal__mrna_expression') }}
    where {{ resolved_gene('hugo_symbol', 'entrez_gene_id') }} = 'ERBB2'
),

mrna_profile_choice as (
    select study_id, profile_id
    from (
        select
            study_id,
            profile_id,
            row_number() over (partition by study_id order by count(*) desc, profile_id nulls last) as profile_rank
        from mrna
        group by study_id, profile_id
    ) as ranked
    where profile_rank = 1
),

mrna_values as (
    select mrna.study_id, mrna.sample_id, avg(mrna.z_score) as expression_z
    from mrna
    inner join mrna_profile_choice
        on mrna.study_id = mrna_profile_choice.study_id
        and mrna.profile_id = mrna_profile_choice.profile_id
    group by mrna.study_id, mrna.sample_id
),

protein as (
    select
        study_id,
        sample_id,
        antibody,
        profile_datatype,
        protein_level
    from {{ ref('stg_cbioportal__protein_levels') }}
    where {{ delimited_list_contains("split_part(composite_element, '|', 1)", ' ', "'ERBB2'") }}
        and lower(coalesce(antibody, '')) not like '%!_p%' escape '!'
        and lower(coalesce(antibody, '')) not like '%phospho%'
        and study_id not in (select study_id from mrna_values)
),

protein_antibody_choice as (
    select study_id, antibody
    from (
        select study_id, antibody,
            row_number() over (partition by study_id order by count(*) desc, antibody nulls last) as antibody_rank
        from protein
        group by study_id, antibody
    ) as ranked
    where antibody_rank = 1
),

protein_chosen as (
    select protein.*
    from protein
    inner join protein_antibody_choice
        on protein.study_id = protein_antibody_choice.study_id
        and coalesce(protein.antibody, '') = coalesce(protein_antibody_choice.antibody, '')
),

protein_values as (
    select
        study_id,
        sample_id,
        case
            when profile_datatype = 'Z-SCORE' then protein_level
            when stddev_samp(protein_level) over (partition by study_id) > 0
                then (protein_level - avg(protein_level) over (partition by study_id))
                    / stddev_samp(protein_level) over (partition by study_id)
        end as expression_z
    from protein_chosen
),

final as (
    select study_id, sample_id, expression_z, 'mrna' as expression_source from mrna_values
    union all
    select study_id, sample_id, expression_z, 'protein' as expression_source from protein_values
)

select * from final
