{{ union_data_lines(ref('raw_cbioportal__data_files'), 'mutations') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
