{{ rejected_rows(ref('base_cbioportal__gene_panels')) }}
