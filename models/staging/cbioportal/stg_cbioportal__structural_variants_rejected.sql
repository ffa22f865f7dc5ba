{{ rejected_rows(ref('base_cbioportal__structural_variants')) }}
