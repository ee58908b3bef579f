-- The profitability matrix by quadrant: one row per quadrant of seeds/profitability_matrix_quadrants.csv
-- (a quadrant without customers has zeros), with its customers, their net sales, cost to serve and profit,
-- and each quadrant's share of customers and of total profit.
with

matrix as (

    select * from {{ ref('fct_customer_profitability_matrix') }}

),

quadrants as (

    select * from {{ ref('profitability_matrix_quadrants') }}

),

totals as (

    select
        count(*) as customer_count,
        sum(customer_profit) as total_customer_profit
    from matrix

),

by_quadrant as (

    select
        matrix_quadrant,
        count(*) as customer_count,
        sum(net_sales) as net_sales,
        sum(cost_to_serve) as cost_to_serve,
        sum(customer_profit) as customer_profit
    from matrix
    group by 1

),

final as (

    select
        quadrants.matrix_quadrant,
        quadrants.strategy,
        cast(coalesce(by_quadrant.customer_count, 0) as {{ dbt.type_int() }}) as customer_count,
        cast(coalesce(by_quadrant.net_sales, 0) as {{ type_money() }}) as net_sales,
        cast(coalesce(by_quadrant.cost_to_serve, 0) as {{ type_money() }}) as cost_to_serve,
        cast(coalesce(by_quadrant.customer_profit, 0) as {{ type_money() }}) as customer_profit,
        cast({{ safe_divide('coalesce(by_quadrant.customer_count, 0)', 'totals.customer_count') }} as double)
            as customer_share,
        cast(
            {{ share_of_profit('coalesce(by_quadrant.customer_profit, 0)', 'totals.total_customer_profit') }} as double
        ) as profit_share,
        cast(quadrants.quadrant_order as {{ dbt.type_int() }}) as quadrant_order,
        quadrants.is_high_sales,
        quadrants.is_high_cost_to_serve
    from quadrants
    cross join totals
    left join by_quadrant
        on quadrants.matrix_quadrant = by_quadrant.matrix_quadrant

)

select * from final
