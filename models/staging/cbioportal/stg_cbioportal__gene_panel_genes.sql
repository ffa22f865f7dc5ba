{{ staged_rows(ref('base_cbioportal__gene_panel_genes')) }}
