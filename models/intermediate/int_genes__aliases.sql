{#- Gene symbol resolution table from seed gene_aliases: upper-case symbol or alias ->
    approved symbol and Entrez id. Grain: symbol. -#}
select
    upper(trim(symbol)) as symbol,
    hugo_symbol,
    cast(entrez_gene_id as bigint) as entrez_gene_id
from {{ ref('gene_aliases') }}
