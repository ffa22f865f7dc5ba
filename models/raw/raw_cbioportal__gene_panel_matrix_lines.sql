{{ union_data_lines(ref('raw_cbioportal__data_files'), 'gene_panel_matrix') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
