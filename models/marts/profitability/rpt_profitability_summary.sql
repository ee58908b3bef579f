-- The headline of the latest build, one row, over the analysis window of fct_customer_profitability:
-- how many customers, total profit, the share of profit the top customers (var
-- summary_top_customer_share, default 20%) earn, and the share of customers that lose money.
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

ranked as (

    select
        customer_id,
        customer_profit,
        window_start_month,
        window_end_month,
        row_number() over (order by customer_profit desc, customer_id asc) as profit_rank,
        count(*) over () as customer_count
    from customers

),

final as (

    select
        max(window_start_month) as window_start_month,
        max(window_end_month) as window_end_month,
        cast(count(*) as {{ dbt.type_int() }}) as customer_count,
        cast(sum(customer_profit) as {{ type_money() }}) as total_customer_profit,
        cast({{ var('summary_top_customer_share') }} as double) as top_customer_share,
        cast(
            {{ safe_divide(
                'sum(case when profit_rank <= ceiling(customer_count * ' ~ var('summary_top_customer_share') ~ ') then customer_profit else 0 end)',
                'sum(customer_profit)'
            ) }}
            as double
        ) as top_customers_profit_share,
        cast({{ safe_divide('sum(case when customer_profit < 0 then 1 else 0 end)', 'count(*)') }} as double)
            as loss_making_customer_share,
        cast(sum(case when customer_profit < 0 then customer_profit else 0 end) as {{ type_money() }})
            as loss_making_customers_profit
    from ranked

)

select * from final
