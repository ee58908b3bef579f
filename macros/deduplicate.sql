{% macro deduplicate(relation, partition_by, order_by) -%}
    {#- Keeps one row per `partition_by` (the key): the first by `order_by`. Extract-load tools
        re-deliver rows; staging keeps the most recently loaded copy. Adds `_dedup_row_number`, which
        the caller leaves out of its final select. -#}
    select *
    from (
        select
            *,
            row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as _dedup_row_number
        from {{ relation }}
    ) as numbered
    where _dedup_row_number = 1
{%- endmacro %}
