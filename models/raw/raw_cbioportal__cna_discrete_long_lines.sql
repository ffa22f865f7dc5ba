{{ union_data_lines(ref('raw_cbioportal__data_files'), 'cna_discrete_long') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
