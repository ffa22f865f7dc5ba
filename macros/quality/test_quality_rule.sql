{#- Generic test: a row-level rule over a quality model. Fails with one row per record for
    which `passes_when` (a SQL condition over the model's columns) is not true; NULL counts
    as failing, so a rule must say explicitly when a missing value is acceptable. Scope the
    rule with the standard `where` config. The failing rows carry the shared leading columns
    (macros/quality/quality_message.sql) with `detail` (a SQL text expression) as the message.
    Name each use (`name:`) after its rule: the name is the check name in quality.check_results. -#}
{% test quality_rule(model, rule, passes_when, detail, subject_type='sample', subject_id='sample_id', detail_columns=[]) %}
select
    {{ quality_columns(rule, 'study_id', subject_type, subject_id, detail) }}
    {%- for column in detail_columns %},
    {{ column }}
    {%- endfor %}
from {{ model }}
where not coalesce({{ passes_when }}, false)
{% endtest %}
