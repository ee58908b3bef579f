-- fct_customer_equity_monthly agrees with the marts it summarises:
--   * in the valuation month, the all-customers customer_equity is the sum of the retention-based CLV of
--     fct_customer_lifetime_value, and customers_end its number of active customers;
--   * over all months, the all-customers acquisition and retention cost equal what
--     fct_customer_profitability_monthly charges customers in the complete months.
with

equity as (

    select * from {{ ref('fct_customer_equity_monthly') }}
    where dimension = 'all_customers'

),

lifetime as (

    select * from {{ ref('fct_customer_lifetime_value') }}
    where clv_method = 'retention_closed_form'

),

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}
    where is_complete_month

),

checks as (

    select
        'customer_equity in the valuation month' as measure,
        (
            select max(equity.customer_equity) from equity
            where equity.period_month = (select max(lifetime.valuation_month) from lifetime)
        ) as equity_value,
        (select sum(lifetime.clv) from lifetime) as source_value

    union all

    select
        'customers_end in the valuation month' as measure,
        (
            select max(equity.customers_end) from equity
            where equity.period_month = (select max(lifetime.valuation_month) from lifetime)
        ) as equity_value,
        (select sum(case when lifetime.is_active then 1 else 0 end) from lifetime) as source_value

    union all

    select
        'acquisition_cost over all months' as measure,
        (select sum(equity.acquisition_cost) from equity) as equity_value,
        (select sum(monthly.acquisition_cost) from monthly) as source_value

    union all

    select
        'retention_cost over all months' as measure,
        (select sum(equity.retention_cost) from equity) as equity_value,
        (select sum(monthly.retention_cost) from monthly) as source_value

)

select *
from checks
where coalesce(equity_value, 0) <> coalesce(source_value, 0)
