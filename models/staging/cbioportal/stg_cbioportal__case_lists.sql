{{ staged_rows(ref('base_cbioportal__case_lists')) }}
