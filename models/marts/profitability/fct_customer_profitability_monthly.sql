-- Customer profitability by month: one row per customer and month from the customer's first month to
-- the latest month of data, with revenue, costs and the three levels of result (customer_result_columns):
--     gross margin        = net revenue - cost of goods sold
--     contribution margin = gross margin - cost to serve - commercial costs
--     customer profit     = contribution margin - allocated costs
-- Incremental (issue 6): a scheduled run recomputes the months of the lookback window
-- (incremental_lookback_months before the latest month built) and replaces exactly those months.
{{ config(**incremental_by_month_config()) }}
with

customer_months as (

    select * from {{ ref('int_customer_months') }}
    where {{ in_lookback_window('period_month') }}

),

amounts as (

    select * from {{ ref('int_customer_monthly_amounts_unioned') }}
    where {{ in_lookback_window('period_month') }}

),

joined as (

    select
        customer_months.customer_id,
        customer_months.period_month,
        {% for column in customer_amount_columns() %}
            coalesce(amounts.{{ column }}, 0) as {{ column }},
        {% endfor %}
        coalesce(amounts.order_count, 0) as order_count,
        coalesce(amounts.order_line_count, 0) as order_line_count,
        coalesce(amounts.return_line_count, 0) as return_line_count,
        coalesce(amounts.activity_count, 0) as activity_count,
        coalesce(amounts.service_minutes, 0) as service_minutes,
        customer_months.months_since_acquisition,
        customer_months.is_acquisition_month,
        customer_months.is_active,
        customer_months.is_complete_month
    from customer_months
    left join amounts
        on
            customer_months.customer_id = amounts.customer_id
            and customer_months.period_month = amounts.period_month

),

final as (

    select
        customer_id,
        period_month,
        {{ customer_result_columns() }},
        cast(order_count as {{ dbt.type_int() }}) as order_count,
        cast(order_line_count as {{ dbt.type_int() }}) as order_line_count,
        cast(return_line_count as {{ dbt.type_int() }}) as return_line_count,
        cast(activity_count as {{ dbt.type_int() }}) as activity_count,
        cast(service_minutes as {{ dbt.type_numeric() }}) as service_minutes,
        cast(months_since_acquisition as {{ dbt.type_int() }}) as months_since_acquisition,
        is_acquisition_month,
        is_active,
        is_complete_month
    from joined

)

select * from final
