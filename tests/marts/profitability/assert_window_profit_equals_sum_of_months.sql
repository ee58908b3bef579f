-- fct_customer_profitability recomputes the levels of result from the window's summed amounts; they
-- must equal the sum of the monthly results of the same months, customer by customer.
with

windowed as (

    select * from {{ ref('fct_customer_profitability') }}

),

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

summed as (

    select
        monthly.customer_id,
        sum(monthly.net_revenue) as net_revenue,
        sum(monthly.contribution_margin) as contribution_margin,
        sum(monthly.customer_profit) as customer_profit
    from monthly
    inner join windowed
        on
            monthly.customer_id = windowed.customer_id
            and monthly.period_month between windowed.window_start_month and windowed.window_end_month
    group by 1

)

select
    windowed.customer_id,
    windowed.customer_profit,
    summed.customer_profit as summed_customer_profit
from windowed
left join summed
    on windowed.customer_id = summed.customer_id
where
    windowed.net_revenue <> coalesce(summed.net_revenue, 0)
    or windowed.contribution_margin <> coalesce(summed.contribution_margin, 0)
    or windowed.customer_profit <> coalesce(summed.customer_profit, 0)
