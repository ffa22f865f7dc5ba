{{ union_data_lines(ref('raw_cbioportal__data_files'), 'protein_levels') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
