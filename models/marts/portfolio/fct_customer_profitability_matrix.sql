-- Christopher & Peck's customer profitability matrix (DOMAIN.md section 5): every customer of
-- fct_customer_profitability placed by the net sales value of its account against its cost to serve, over
-- the analysis window. An account has high sales when its net sales are above the
-- matrix_sales_split_quantile of all accounts' net sales (0.5 = the median), and a high cost to serve when
-- its cost to serve (TDABC) is above the matrix_cost_split_quantile of all accounts'; an account exactly at
-- the split is low. The quadrant's name and strategy come from seeds/profitability_matrix_quadrants.csv:
--   low sales,  low cost:  build          high sales, low cost:  protect
--   low sales,  high cost: danger zone    high sales, high cost: cost engineer
{%- set sales_quantile = number_var('matrix_sales_split_quantile', min_value=0, max_value=1) %}
{%- set cost_quantile = number_var('matrix_cost_split_quantile', min_value=0, max_value=1) %}
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

quadrants as (

    select * from {{ ref('profitability_matrix_quadrants') }}

),

splits as (

    select
        -- interpolated as doubles on every engine (DuckDB's percentile_cont of a decimal would round the
        -- split to the column's scale, Spark's percentile does not); rounded to the cent only when stored
        {{ quantile_cont('cast(net_sales as double)', sales_quantile) }} as net_sales_split,
        {{ quantile_cont('cast(cost_to_serve as double)', cost_quantile) }} as cost_to_serve_split
    from customers

),

placed as (

    select
        customers.customer_id,
        customers.net_sales,
        customers.cost_to_serve,
        customers.contribution_margin,
        customers.customer_profit,
        splits.net_sales_split,
        splits.cost_to_serve_split,
        customers.net_sales > splits.net_sales_split as is_high_sales,
        customers.cost_to_serve > splits.cost_to_serve_split as is_high_cost_to_serve,
        customers.window_start_month,
        customers.window_end_month
    from customers
    cross join splits

),

final as (

    select
        placed.customer_id,
        quadrants.matrix_quadrant,
        quadrants.strategy,
        cast(placed.net_sales as {{ type_money() }}) as net_sales,
        cast(placed.cost_to_serve as {{ type_money() }}) as cost_to_serve,
        cast(placed.contribution_margin as {{ type_money() }}) as contribution_margin,
        cast(placed.customer_profit as {{ type_money() }}) as customer_profit,
        cast({{ round_money('placed.net_sales_split') }} as {{ type_money() }}) as net_sales_split,
        cast({{ round_money('placed.cost_to_serve_split') }} as {{ type_money() }}) as cost_to_serve_split,
        placed.is_high_sales,
        placed.is_high_cost_to_serve,
        placed.window_start_month,
        placed.window_end_month
    from placed
    left join quadrants
        on
            placed.is_high_sales = quadrants.is_high_sales
            and placed.is_high_cost_to_serve = quadrants.is_high_cost_to_serve

)

select * from final
