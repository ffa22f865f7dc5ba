{{ config(severity='warn', tags=['quality']) }}
{#- Nothing is hidden by the quarantine: one row per row of every staging *_rejected table,
    naming study, entity, id (sample, patient or gene panel), reason and source line. A
    negative OS_MONTHS, a duplicated mutation or an unknown sample is left out of the marts
    on purpose, and shows up here. Severity warn: quarantining is the designed response, and
    the demo plants such rows; read the failures to see what was left out.
    (A new *_rejected model must be added to the list below; tests/test_quality.py checks it.) -#}
{%- set rejected = [
    ('stg_cbioportal__patients_rejected', 'patient', 'patient_id'),
    ('stg_cbioportal__samples_rejected', 'sample', 'sample_id'),
    ('stg_cbioportal__mutations_rejected', 'sample', 'sample_id'),
    ('stg_cbioportal__copy_number_alterations_rejected', 'sample', 'sample_id'),
    ('stg_cbioportal__structural_variants_rejected', 'sample', 'sample_id'),
    ('stg_cbioportal__gene_panels_rejected', 'sample', 'sample_id'),
    ('stg_cbioportal__gene_panel_genes_rejected', 'gene panel', 'gene_panel_id'),
    ('stg_cbioportal__case_lists_rejected', 'sample', 'sample_id'),
    ('stg_cbioportal__mrna_expression_rejected', 'sample', 'sample_id'),
    ('stg_cbioportal__protein_levels_rejected', 'sample', 'sample_id'),
] -%}
with quarantined as (
    {%- for model_name, subject_type, subject_column in rejected %}
    select
        cast('{{ model_name }}' as {{ dbt.type_string() }}) as rejected_table,
        cast(study_id as {{ dbt.type_string() }}) as study_id,
        cast('{{ subject_type }}' as {{ dbt.type_string() }}) as subject_type,
        cast({{ subject_column }} as {{ dbt.type_string() }}) as subject_id,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as bigint) as source_line
    from {{ ref(model_name) }}
    {{- "\n    union all" if not loop.last }}
    {%- endfor %}
)

select
    cast('quarantined_rows_named' as {{ dbt.type_string() }}) as rule,
    study_id,
    subject_type,
    subject_id,
    '[quarantined_rows_named] study ' || {{ quality_text('study_id') }}
        || ', ' || subject_type || ' ' || coalesce(subject_id, '(none)')
        || ': quarantined in staging.' || rejected_table || ': ' || coalesce(reject_reason, '')
        || ' (' || {{ quality_provenance('source_file', 'source_line') }} || ')' as message,
    rejected_table,
    reject_reason,
    source_file,
    source_line
from quarantined
