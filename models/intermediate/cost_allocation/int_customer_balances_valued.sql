-- Balances held with or lent to a customer, valued per month at the seeds/balance_rates.csv rate:
--     amount = average balance x annual_rate / days_in_year x days in the month
-- A `deposit` earns the business a yield (float income, part of revenue); a `minimum_balance` or
-- `deferred_receivable` costs it the interest forgone (a commercial cost). Cumulative rounding per
-- customer and balance type makes the months add up to the cent: a $1,500 deposit held for a
-- 365-day year at 3.5% earns exactly $52.50.
{%- set days_in_year = var('days_in_year') %}
with

balances as (

    select * from {{ ref('stg_erp__customer_balances') }}

),

balance_rates as (

    select * from {{ ref('balance_rates') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

valued as (

    select
        balances.customer_id,
        balances.balance_type,
        balance_rates.rate_effect,
        balances.balance_month as period_month,
        balances.average_balance,
        balance_rates.annual_rate,
        months.days_in_month,
        cast(balances.average_balance as double) * balance_rates.annual_rate * months.days_in_month
        / {{ days_in_year }} as exact_amount
    from balances
    inner join months
        on balances.balance_month = months.period_month
    left join balance_rates
        on balances.balance_type = balance_rates.balance_type

),

final as (

    select
        customer_id,
        balance_type,
        rate_effect,
        period_month,
        average_balance,
        annual_rate,
        days_in_month,
        cast(
            {{ cumulative_rounded('exact_amount', 'customer_id, balance_type', 'period_month') }}
            as {{ type_money() }}
        ) as balance_value
    from valued

)

select * from final
