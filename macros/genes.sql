{#- The approved gene symbol for a (Hugo_Symbol, Entrez_Gene_Id) pair. The rule lives here only:
    a known Entrez id wins (ERBB2 = 2064 whatever the symbol says); else a known symbol or alias
    (HER2, NEU -> ERBB2); else the symbol as given; else 'ENTREZ:<id>'. Exact matches only: no
    prefix or fuzzy matching (ERBB2IP is not ERBB2). The lookup's columns are renamed (alias_*)
    so that they can never capture the caller's column names inside the correlated subquery.
    DuckDB: the two lookups are built once per query as maps (uncorrelated subqueries), not
    searched once per row (correlated subqueries cost minutes over GENIE's 3 million events). -#}
{% macro resolved_gene(hugo_symbol, entrez_gene_id) -%}
    {{ return(adapter.dispatch('resolved_gene', 'her2lung')(hugo_symbol, entrez_gene_id)) }}
{%- endmacro %}

{% macro duckdb__resolved_gene(hugo_symbol, entrez_gene_id) -%}
    coalesce(
        (select map_from_entries(list({'k': alias_entrez, 'v': alias_target})) from (
            select entrez_gene_id as alias_entrez, max(hugo_symbol) as alias_target
            from {{ ref('int_genes__aliases') }}
            where upper(trim(symbol)) = upper(hugo_symbol) and entrez_gene_id is not null
            group by entrez_gene_id
        ) as by_entrez)[{{ entrez_gene_id }}],
        (select map_from_entries(list({'k': alias_symbol, 'v': alias_target})) from (
            select upper(trim(symbol)) as alias_symbol, max(hugo_symbol) as alias_target
            from {{ ref('int_genes__aliases') }}
            where symbol is not null
            group by upper(trim(symbol))
        ) as by_symbol)[upper(trim({{ hugo_symbol }}))],
        nullif(trim({{ hugo_symbol }}), ''),
        'ENTREZ:' || cast({{ entrez_gene_id }} as {{ dbt.type_string() }})
    )
{%- endmacro %}

{% macro default__resolved_gene(hugo_symbol, entrez_gene_id) -%}
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

{#- The identity of a gene row in a CNA file for duplicate detection: the Entrez id when given
    (and not NA/0), else the upper-case symbol. -#}
{% macro cna_gene_key(entrez_expression, hugo_expression) -%}
    coalesce(
        case when {{ entrez_expression }} not in ('', 'NA', '0') then 'entrez:' || {{ entrez_expression }} end,
        'symbol:' || upper({{ hugo_expression }})
    )
{%- endmacro %}

{#- Spark: the same rule as two lookups in maps built once per query by uncorrelated scalar
    subqueries (approved symbol by Entrez id; approved symbol by upper-case symbol or alias),
    max() per key as above. Spark 4 cannot plan the correlated form above a UNION (its
    PushProjectionThroughUnion loses the subquery's own columns), and a map lookup avoids two
    joins per use on large tables. -#}
{% macro spark__resolved_gene(hugo_symbol, entrez_gene_id) -%}
    coalesce(
        try_element_at(
            (select map_from_entries(collect_list(struct(alias_entrez, alias_target))) from (
                select entrez_gene_id as alias_entrez, max(hugo_symbol) as alias_target
                from {{ ref('int_genes__aliases') }}
                where upper(trim(symbol)) = upper(hugo_symbol) and entrez_gene_id is not null
                group by entrez_gene_id
            ) as by_entrez),
            {{ entrez_gene_id }}
        ),
        try_element_at(
            (select map_from_entries(collect_list(struct(alias_symbol, alias_target))) from (
                select upper(trim(symbol)) as alias_symbol, max(hugo_symbol) as alias_target
                from {{ ref('int_genes__aliases') }}
                where symbol is not null
                group by upper(trim(symbol))
            ) as by_symbol),
            upper(trim({{ hugo_symbol }}))
        ),
        nullif(trim({{ hugo_symbol }}), ''),
        'ENTREZ:' || cast({{ entrez_gene_id }} as {{ dbt.type_string() }})
    )
{%- endmacro %}
