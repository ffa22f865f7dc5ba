{#- Built by study (macros/io/incremental_studies.sql): a filter of base_cbioportal__gene_panels, itself built by study. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{{ staged_rows(ref('base_cbioportal__gene_panels'), her2lung_study_scope()) }}
