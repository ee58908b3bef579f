-- issue 10: every raw row the pipeline could not use, with its table and reason: rows the loader could
-- not cast (raw.load_rejects) and rows staging quarantined (the base_ models). Nothing is dropped
-- silently: raw rows = accepted rows (the stg_ models) + these, a test checks it per table.
{%- set tables = quarantined_tables() %}
with

quarantined as (
    {% for t in tables %}
        select
            '{{ t.source }}' as source_name,
            '{{ t.table }}' as table_name,
            row_key,
            reject_reason as reason_code,
            row_amount,
            raw_values,
            cast(_source_file as {{ dbt.type_string() }}) as source_file,
            cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
        from {{ ref('base_' ~ t.source ~ '__' ~ t.table) }}
        where reject_reason is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

unloadable as (

    select
        'loader' as source_name,
        table_name,
        row_key,
        reason_code,
        cast(null as {{ type_money() }}) as row_amount,
        raw_values,
        source_file,
        loaded_at
    from {{ ref('stg_loader__load_rejects') }}

)

select * from quarantined
union all
select * from unloadable
