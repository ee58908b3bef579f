-- Amounts that belong to one customer pass to the mart whole: every month, net sales, cost of goods
-- sold, incentives, payment-deferral carrying cost and balance values in the mart equal their totals
-- in the layer that computed them. Fails with the month and the measure that differs.
with

months as (

    select period_month from {{ ref('int_reporting_months') }}

),

sources as (

    select
        period_month,
        'net_sales' as measure,
        sum(net_amount) as source_amount
    from {{ ref('int_order_lines_costed') }}
    group by 1, 2

    union all

    select
        period_month,
        'cogs' as measure,
        sum(cogs) as source_amount
    from {{ ref('int_order_lines_costed') }}
    group by 1, 2

    union all

    select
        {{ month_of('incentive_date') }} as period_month,
        'incentive_costs' as measure,
        sum(incentive_amount) as source_amount
    from {{ ref('stg_marketing__customer_incentives') }}
    group by 1, 2

    union all

    select
        period_month,
        'payment_deferral_cost' as measure,
        sum(payment_deferral_cost) as source_amount
    from {{ ref('int_invoice_carrying_costs_accrued') }}
    group by 1, 2

    union all

    select
        period_month,
        case when rate_effect = 'income' then 'float_income' else 'balance_carrying_cost' end as measure,
        sum(balance_value) as source_amount
    from {{ ref('int_customer_balances_valued') }}
    group by 1, 2

),

mart as (

    select
        period_month,
        sum(net_sales) as net_sales,
        sum(cogs) as cogs,
        sum(incentive_costs) as incentive_costs,
        sum(payment_deferral_cost) as payment_deferral_cost,
        sum(float_income) as float_income,
        sum(balance_carrying_cost) as balance_carrying_cost
    from {{ ref('fct_customer_profitability_monthly') }}
    group by 1

),

compared as (

    select
        sources.period_month,
        sources.measure,
        sources.source_amount,
        case sources.measure
            when 'net_sales' then mart.net_sales
            when 'cogs' then mart.cogs
            when 'incentive_costs' then mart.incentive_costs
            when 'payment_deferral_cost' then mart.payment_deferral_cost
            when 'float_income' then mart.float_income
            when 'balance_carrying_cost' then mart.balance_carrying_cost
        end as mart_amount
    from sources
    inner join months
        on sources.period_month = months.period_month
    left join mart
        on sources.period_month = mart.period_month

)

select *
from compared
where source_amount <> coalesce(mart_amount, 0)
