-- Customer profitability over the analysis window: the last `profitability_window_months` complete
-- months (default 12). One row per customer that existed in the window; the amounts are summed over
-- the window's months and the levels of result computed from them (customer_result_columns). The
-- ranking, the whale curve and the summary read this.
{%- set window_months = positive_int_var('profitability_window_months') %}
with

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

window_bounds as (

    select
        {{ add_months('max(period_month)', -(window_months - 1)) }} as window_start_month,
        max(period_month) as window_end_month
    from months
    where is_complete_month

),

summed as (

    select
        monthly.customer_id,
        {% for column in customer_amount_columns() %}
            coalesce(sum(monthly.{{ column }}), 0) as {{ column }},
        {% endfor %}
        coalesce(sum(monthly.order_count), 0) as order_count,
        coalesce(sum(monthly.activity_count), 0) as activity_count,
        count(*) as months_in_window,
        max(window_bounds.window_start_month) as window_start_month,
        max(window_bounds.window_end_month) as window_end_month
    from monthly
    inner join window_bounds
        on monthly.period_month between window_bounds.window_start_month and window_bounds.window_end_month
    group by 1

),

final as (

    select
        customer_id,
        {{ customer_result_columns() }},
        cast(order_count as {{ dbt.type_int() }}) as order_count,
        cast(activity_count as {{ dbt.type_int() }}) as activity_count,
        cast(months_in_window as {{ dbt.type_int() }}) as months_in_window,
        window_start_month,
        window_end_month
    from summed

)

select * from final
