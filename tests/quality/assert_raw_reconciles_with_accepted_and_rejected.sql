-- issue 10: nothing is lost. Per raw table, the rows delivered (the raw table, plus the rows the
-- loader could not cast) equal the accepted rows (stg_) plus the rejected rows (rpt_rejected_rows), and
-- the money amount of the raw rows equals the accepted amount plus the rejected amount, to the cent.
-- Fails with the table and the measure that does not add up.
{%- set tables = quarantined_tables() %}
with

raw_totals as (
    {% for t in tables %}
        select
            '{{ t.table }}' as table_name,
            count(*) as row_count,
            {% if t.amount %}sum({{ t.raw_amount }}){% else %}0{% endif %} as amount
        from {{ source(t.source, t.table) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

unloadable as (

    select
        table_name,
        count(*) as row_count
    from {{ ref('stg_loader__load_rejects') }}
    group by table_name

),

accepted as (
    {% for t in tables %}
        select
            '{{ t.table }}' as table_name,
            count(*) as row_count,
            {% if t.amount %}sum({{ t.amount }}){% else %}0{% endif %} as amount
        from {{ ref(t.staging) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rejected as (

    select
        table_name,
        count(*) as row_count,
        sum(row_amount) as amount
    from {{ ref('rpt_rejected_rows') }}
    group by table_name

),

compared as (

    select
        raw_totals.table_name,
        raw_totals.row_count + coalesce(unloadable.row_count, 0) as raw_rows,
        accepted.row_count + coalesce(rejected.row_count, 0) as accepted_plus_rejected_rows,
        coalesce(raw_totals.amount, 0) as raw_amount,
        coalesce(accepted.amount, 0) + coalesce(rejected.amount, 0) as accepted_plus_rejected_amount
    from raw_totals
    left join unloadable on raw_totals.table_name = unloadable.table_name
    left join accepted on raw_totals.table_name = accepted.table_name
    left join rejected on raw_totals.table_name = rejected.table_name

)

select
    table_name,
    raw_rows,
    accepted_plus_rejected_rows,
    raw_amount,
    accepted_plus_rejected_amount
from compared
where
    raw_rows <> accepted_plus_rejected_rows
    or raw_amount <> accepted_plus_rejected_amount
