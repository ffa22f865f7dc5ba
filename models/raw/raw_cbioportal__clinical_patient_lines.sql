{{ union_data_lines(ref('raw_cbioportal__data_files'), 'clinical_patient') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
