-- What the incremental models have not taken in (issue 6): rows that arrived after their month had
-- left the lookback window of the scheduled runs (var incremental_lookback_months), so the marts do
-- not count them yet. One row per source and month with any:
--   order_lines, activities: rows in staging that int_order_lines_costed / int_activities_costed do
--     not hold in their current version (new_rows: not at all; corrected_rows: an older version);
--   other_components: customer-months of fct_customer_profitability_monthly whose amounts differ
--     from what their components (invoices, payments, balances, incentives, spend, staff) give now.
-- Empty after a build with --full-refresh, which takes every row in.
-- Rows are compared one by one only in the months whose rows differ at all (months_whose_rows_differ:
-- per month, row counts and sums of row hashes; months_whose_amounts_differ: per month, sums of the
-- amounts weighted by customer, from the stacked component rows), so the report costs narrow scans
-- when nothing is late. The relations it reads twice (sums, then rows) are not materialized: DuckDB
-- would copy each of them whole first (not_materialized, issue 9).
{%- set amounts = customer_amount_columns() %}
with

order_lines as {{ not_materialized() }} (

    select * from {{ ref('stg_erp__order_lines') }}

),

order_lines_built as {{ not_materialized() }} (

    select * from {{ ref('int_order_lines_costed') }}

),

activities as {{ not_materialized() }} (

    select * from {{ ref('stg_crm__activities') }}

),

activities_built as {{ not_materialized() }} (

    select * from {{ ref('int_activities_costed') }}

),

profitability as {{ not_materialized() }} (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

components as {{ not_materialized() }} (

    select * from {{ ref('int_customer_monthly_amounts_stacked') }}

),

order_line_months_differing as (

    {{ months_whose_rows_differ(
        'order_lines', 'order_lines_built', month_of('ordered_date'), 'period_month',
        ['order_line_id', 'loaded_at']
    ) }}

),

activity_months_differing as (

    {{ months_whose_rows_differ(
        'activities', 'activities_built', month_of('activity_date'), 'period_month',
        ['activity_id', 'loaded_at']
    ) }}

),

customer_months_differing as (

    {{ months_whose_amounts_differ('profitability', 'components', 'customer_id', amounts) }}

),

order_lines_to_compare as (

    {{ rows_in_months('order_lines', month_of('order_lines.ordered_date'), 'order_line_months_differing') }}

),

order_lines_built_to_compare as (

    {{ rows_in_months('order_lines_built', 'order_lines_built.period_month', 'order_line_months_differing') }}

),

activities_to_compare as (

    {{ rows_in_months('activities', month_of('activities.activity_date'), 'activity_months_differing') }}

),

activities_built_to_compare as (

    {{ rows_in_months('activities_built', 'activities_built.period_month', 'activity_months_differing') }}

),

profitability_to_compare as (

    {{ rows_in_months('profitability', 'profitability.period_month', 'customer_months_differing') }}

),

-- the components of the customer-months of those months, summed per customer-month (only then: the sum
-- of every customer-month's components is the largest cost of the report when it is not filtered first)
components_to_compare as (

    select
        {% for column in amounts %}
            sum(cast({{ column }} as {{ type_money() }})) as {{ column }},
        {% endfor %}
        customer_id,
        period_month
    from ({{ rows_in_months('components', 'components.period_month', 'customer_months_differing') }}) as stacked
    group by customer_id, period_month

),

late_order_lines as (

    select
        'order_lines' as source_table,
        {{ month_of('order_lines.ordered_date') }} as period_month,
        case when order_lines_built.order_line_id is null then 1 else 0 end as is_new_row,
        case when order_lines_built.order_line_id is not null then 1 else 0 end as is_corrected_row,
        0 as is_stale_customer_month,
        order_lines.loaded_at
    from order_lines_to_compare as order_lines
    left join order_lines_built_to_compare as order_lines_built
        on order_lines.order_line_id = order_lines_built.order_line_id
    where
        order_lines_built.order_line_id is null
        or order_lines_built.loaded_at <> order_lines.loaded_at

),

late_activities as (

    select
        'activities' as source_table,
        {{ month_of('activities.activity_date') }} as period_month,
        case when activities_built.activity_id is null then 1 else 0 end as is_new_row,
        case when activities_built.activity_id is not null then 1 else 0 end as is_corrected_row,
        0 as is_stale_customer_month,
        activities.loaded_at
    from activities_to_compare as activities
    left join activities_built_to_compare as activities_built
        on activities.activity_id = activities_built.activity_id
    where
        activities_built.activity_id is null
        or activities_built.loaded_at <> activities.loaded_at

),

stale_customer_months as (

    select
        'other_components' as source_table,
        profitability.period_month,
        0 as is_new_row,
        0 as is_corrected_row,
        1 as is_stale_customer_month,
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at
    from profitability_to_compare as profitability
    left join components_to_compare as components
        on
            profitability.customer_id = components.customer_id
            and profitability.period_month = components.period_month
    where
        {% for column in amounts %}
            coalesce(components.{{ column }}, 0) <> profitability.{{ column }}
            {% if not loop.last %}or{% endif %}
        {% endfor %}

),

stacked as (

    select * from late_order_lines
    union all
    select * from late_activities
    union all
    select * from stale_customer_months

),

final as (

    select
        source_table,
        period_month,
        cast(sum(is_new_row) as {{ dbt.type_bigint() }}) as new_rows,
        cast(sum(is_corrected_row) as {{ dbt.type_bigint() }}) as corrected_rows,
        cast(sum(is_stale_customer_month) as {{ dbt.type_bigint() }}) as stale_customer_months,
        max(loaded_at) as last_loaded_at
    from stacked
    group by source_table, period_month

)

select * from final
