{{ union_data_lines(ref('raw_cbioportal__data_files'), 'clinical_sample') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
