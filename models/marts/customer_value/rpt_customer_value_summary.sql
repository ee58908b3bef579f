-- The customer value headline of the latest build, one row, as of the valuation month (the latest complete
-- month): active customers, customer equity and average CLV (from fct_customer_equity_monthly's
-- all-customers row), the prospective value of existing relationships, and how many customers are
-- unprofitable now but valuable over their lifetime, and the reverse (fct_customer_value).
with

equity as (

    select * from {{ ref('fct_customer_equity_monthly') }}
    where dimension = 'all_customers'

),

customer_values as (

    select * from {{ ref('fct_customer_value') }}

),

latest_equity as (

    select
        period_month as valuation_month,
        customers_end,
        customer_equity,
        average_clv
    from equity
    where period_month = (select max(customer_values.valuation_month) from customer_values)

),

counted as (

    select
        sum(prospective_value) as prospective_value,
        sum(case when is_unprofitable_now_valuable_lifetime then 1 else 0 end)
            as unprofitable_now_valuable_customers,
        sum(case when is_profitable_now_not_valuable_lifetime then 1 else 0 end)
            as profitable_now_not_valuable_customers
    from customer_values

),

final as (

    select
        latest_equity.valuation_month,
        cast(latest_equity.customers_end as {{ dbt.type_int() }}) as active_customers,
        latest_equity.customer_equity,
        latest_equity.average_clv,
        cast({{ round_money('counted.prospective_value') }} as {{ type_money() }}) as prospective_value,
        cast(counted.unprofitable_now_valuable_customers as {{ dbt.type_int() }})
            as unprofitable_now_valuable_customers,
        cast(counted.profitable_now_not_valuable_customers as {{ dbt.type_int() }})
            as profitable_now_not_valuable_customers
    from latest_equity
    cross join counted

)

select * from final
