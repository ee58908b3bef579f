-- The whale curve (DOMAIN.md sections 1 and 5): customers of fct_customer_profitability ranked by their
-- profit over the analysis window, most profitable first, with the cumulative share of customers and the
-- cumulative profit as a share of total profit. The curve rises above 100% while profitable customers are
-- added and falls back to exactly 100% as the loss-makers are added: the last row's cumulative profit is
-- the total profit. Ties are broken by customer_id, so the ranking is the same on every engine.
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

ranked as (

    select
        customer_id,
        customer_profit,
        net_revenue,
        window_start_month,
        window_end_month,
        row_number() over (order by customer_profit desc, customer_id asc) as profit_rank,
        count(*) over () as customer_count,
        sum(customer_profit) over () as total_customer_profit
    from customers

),

cumulated as (

    select
        *,
        sum(customer_profit) over (
            order by profit_rank rows between unbounded preceding and current row
        ) as cumulative_profit
    from ranked

),

final as (

    select
        customer_id,
        cast(customer_profit as {{ type_money() }}) as customer_profit,
        cast(cumulative_profit as {{ type_money() }}) as cumulative_profit,
        cast(total_customer_profit as {{ type_money() }}) as total_customer_profit,
        cast(profit_rank as {{ dbt.type_int() }}) as profit_rank,
        cast(customer_count as {{ dbt.type_int() }}) as customer_count,
        cast(profit_rank as double) / customer_count as cumulative_customer_share,
        cast({{ safe_divide('cumulative_profit', 'total_customer_profit') }} as double) as cumulative_profit_share,
        cast({{ safe_divide('customer_profit', 'total_customer_profit') }} as double) as profit_share,
        customer_profit < 0 as is_loss_making,
        window_start_month,
        window_end_month
    from cumulated

)

select * from final
