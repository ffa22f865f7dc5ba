{{ union_data_lines(ref('raw_cbioportal__data_files'), 'structural_variants') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
