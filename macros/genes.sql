{#- The approved gene symbol for a (Hugo_Symbol, Entrez_Gene_Id) pair. The rule lives here only:
    a known Entrez id wins (ERBB2 = 2064 whatever the symbol says); else a known symbol or alias
    (HER2, NEU -> ERBB2); else the symbol as given; else 'ENTREZ:<id>'. Exact matches only: no
    prefix or fuzzy matching (ERBB2IP is not ERBB2). The lookup's columns are renamed (alias_*)
    so that they can never capture the caller's column names inside the correlated subquery. -#}
{% macro resolved_gene(hugo_symbol, entrez_gene_id) -%}
    coalesce(
        (select max(by_entrez.alias_target) from (
            select upper(trim(symbol)) as alias_symbol, hugo_symbol as alias_target, entrez_gene_id as alias_entrez
            from {{ ref('int_genes__aliases') }}
        ) as by_entrez
            where by_entrez.alias_entrez = {{ entrez_gene_id }}
            and by_entrez.alias_symbol = upper(by_entrez.alias_target)),
        (select max(by_symbol.alias_target) from (
            select upper(trim(symbol)) as alias_symbol, hugo_symbol as alias_target
            from {{ ref('int_genes__aliases') }}
        ) as by_symbol
            where by_symbol.alias_symbol = upper(trim({{ hugo_symbol }}))),
        nullif(trim({{ hugo_symbol }}), ''),
        'ENTREZ:' || cast({{ entrez_gene_id }} as {{ dbt.type_string() }})
    )
{%- endmacro %}
