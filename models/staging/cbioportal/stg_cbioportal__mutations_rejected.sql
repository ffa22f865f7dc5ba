{{ rejected_rows(ref('base_cbioportal__mutations')) }}
