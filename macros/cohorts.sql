{#- Driver cohort from three three-valued flags (NULL = not profiled). One place for the rule:
    with var driver_precedence empty, two or more drivers -> 'multiple'; with a precedence list
    (e.g. ['EGFR','ALK','KRAS']) the first present driver wins. No driver and all three known
    negative -> 'other'; no driver found but one not profiled -> NULL (cohort unknown). -#}
{% macro driver_cohort(kras_flag, egfr_flag, alk_flag) -%}
    {%- set flags = {'KRAS': kras_flag, 'EGFR': egfr_flag, 'ALK': alk_flag} -%}
    {%- set precedence = var('driver_precedence') or [] -%}
    {%- for gene in precedence -%}
        {%- if gene not in flags -%}
            {{ exceptions.raise_compiler_error("var driver_precedence may only name KRAS, EGFR, ALK; got " ~ gene) }}
        {%- endif -%}
    {%- endfor -%}
    case
        {%- if precedence | length > 0 %}
        {%- for gene in precedence %}
        when {{ flags[gene] }} then '{{ gene }}'
        {%- endfor %}
        {%- for gene in ['KRAS', 'EGFR', 'ALK'] if gene not in precedence %}
        when {{ flags[gene] }} then '{{ gene }}'
        {%- endfor %}
        {%- else %}
        when (case when {{ kras_flag }} then 1 else 0 end)
            + (case when {{ egfr_flag }} then 1 else 0 end)
            + (case when {{ alk_flag }} then 1 else 0 end) >= 2 then 'multiple'
        when {{ kras_flag }} then 'KRAS'
        when {{ egfr_flag }} then 'EGFR'
        when {{ alk_flag }} then 'ALK'
        {%- endif %}
        when not {{ kras_flag }} and not {{ egfr_flag }} and not {{ alk_flag }} then 'other'
    end
{%- endmacro %}

{#- ERBB2 mutation or amplification, three-valued: true when either known altered; false only
    when both are known unaltered; NULL otherwise. -#}
{% macro any_of_alterations(mutation_flag, amplification_flag) -%}
    case
        when {{ mutation_flag }} or {{ amplification_flag }} then true
        when not {{ mutation_flag }} and not {{ amplification_flag }} then false
    end
{%- endmacro %}

{#- Rank of an ERBB2 mutation class when a unit has several (lower = reported). -#}
{% macro erbb2_class_rank(class_column) -%}
    case {{ class_column }}
        when 'exon20_insertion' then 1
        when 'tkd_missense' then 2
        when 'ecd_s310' then 3
        when 'tmd' then 4
        when 'other' then 5
    end
{%- endmacro %}
