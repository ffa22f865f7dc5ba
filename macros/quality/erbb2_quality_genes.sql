{#- Gene identity as the quality checks see it, written independently of the warehouse's
    resolved_gene() macro (macros/genes.sql) so that a bug there cannot hide from a check that
    reuses it. Both follow seed gene_aliases: a known Entrez id decides; without one, the
    symbol (approved or alias, exact, case-insensitive) decides. The seed's columns are
    renamed (qa_*) inside the lookups so that they can never capture a caller's column of the
    same name (hugo_symbol, entrez_gene_id) in the correlated subquery. -#}

{#- The approved symbol a row's (symbol, Entrez id) stands for by Entrez id alone (NULL when
    the id is missing or not in the seed). -#}
{% macro quality_gene_by_entrez(entrez_gene_id) -%}
    (select max(qa_by_entrez.qa_gene) from (
        select hugo_symbol as qa_gene, cast(entrez_gene_id as bigint) as qa_entrez
        from {{ ref('gene_aliases') }}
    ) as qa_by_entrez
        where qa_by_entrez.qa_entrez = {{ entrez_gene_id }})
{%- endmacro %}

{#- The approved symbol a row's symbol stands for by the seed's symbols and aliases (NULL when
    the symbol is not in the seed). -#}
{% macro quality_gene_by_symbol(hugo_symbol) -%}
    (select max(qa_by_symbol.qa_gene) from (
        select hugo_symbol as qa_gene, upper(trim(symbol)) as qa_symbol
        from {{ ref('gene_aliases') }}
    ) as qa_by_symbol
        where qa_by_symbol.qa_symbol = upper(trim({{ hugo_symbol }})))
{%- endmacro %}

{#- True when a (symbol, Entrez id) pair resolves to ERBB2: by Entrez id when the seed knows
    the id, else by symbol or alias (the approved symbol 'ERBB2' counts even if absent). -#}
{% macro quality_resolves_to_erbb2(hugo_symbol, entrez_gene_id) -%}
    coalesce(
        {{ quality_gene_by_entrez(entrez_gene_id) }},
        {{ quality_gene_by_symbol(hugo_symbol) }},
        upper(trim({{ hugo_symbol }}))
    ) = 'ERBB2'
{%- endmacro %}
