{{ union_data_lines(ref('raw_cbioportal__data_files'), 'mrna_zscores') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
