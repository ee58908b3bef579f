-- Customer x product profitability by month: one row per customer, month and product bought or
-- returned, plus one `unattributed` row per customer-month for what belongs to no product (credit
-- notes, float income, and costs of a month without product lines). Per customer-month the rows add up
-- exactly to fct_customer_profitability_monthly:
--   cost to serve is split over the month's products by their number of order lines (each line is
--   picked, packed and delivered), commercial and allocated costs by their gross sales; both with
--   largest-remainder rounding, to the cent.
-- Incremental (issue 9): every row belongs to one customer-month, so a scheduled run recomputes the
-- months of the lookback window, as fct_customer_profitability_monthly does, and replaces those months.
{{ config(**incremental_by_month_config()) }}
{%- set unattributed = var('unattributed_product_id') %}
with

order_lines as (

    select * from {{ ref('int_order_lines_costed') }}
    where {{ in_lookback_window('period_month') }}

),

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}
    where {{ in_lookback_window('period_month') }}

),

product_lines as (

    select
        customer_id,
        period_month,
        product_id,
        max(product_category) as product_category,
        sum(case when line_type = 'sale' then gross_amount else 0 end) as gross_sales,
        sum(net_amount) as net_sales,
        sum(cogs) as cogs,
        sum(case when line_type = 'sale' then 1 else 0 end) as order_line_count,
        sum(case when line_type = 'return' then 1 else 0 end) as return_line_count
    from order_lines
    where product_id is not null
    group by 1, 2, 3

),

pools as (

    select
        customer_id,
        period_month,
        cost_to_serve,
        commercial_costs + allocated_costs as commercial_and_allocated_costs
    from monthly

),

product_rows as (

    select
        product_lines.*,
        pools.cost_to_serve as cost_to_serve_pool,
        pools.commercial_and_allocated_costs as commercial_and_allocated_pool
    from product_lines
    inner join pools
        on
            product_lines.customer_id = pools.customer_id
            and product_lines.period_month = pools.period_month

),

with_cost_to_serve as (

    {{ allocate_largest_remainder(
        relation='product_rows',
        pool_key=['customer_id', 'period_month'],
        pool_amount='cost_to_serve_pool',
        weight='order_line_count',
        tiebreak='product_id',
        output='allocated_cost_to_serve'
    ) }}

),

with_other_costs as (

    {{ allocate_largest_remainder(
        relation='with_cost_to_serve',
        pool_key=['customer_id', 'period_month'],
        pool_amount='commercial_and_allocated_pool',
        weight='gross_sales',
        tiebreak='product_id',
        output='allocated_other_costs'
    ) }}

),

products as (

    select
        customer_id,
        period_month,
        product_id,
        product_category,
        gross_sales,
        net_sales as net_revenue,
        cogs,
        coalesce(allocated_cost_to_serve, 0) as cost_to_serve,
        coalesce(allocated_other_costs, 0) as commercial_and_allocated_costs,
        order_line_count,
        return_line_count
    from with_other_costs

),

attributed as (

    select
        customer_id,
        period_month,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(cost_to_serve) as cost_to_serve,
        sum(commercial_and_allocated_costs) as commercial_and_allocated_costs
    from products
    group by 1, 2

),

unattributed as (

    select
        monthly.customer_id,
        monthly.period_month,
        '{{ unattributed }}' as product_id,
        '{{ unattributed }}' as product_category,
        0 as gross_sales,
        monthly.net_revenue - coalesce(attributed.net_revenue, 0) as net_revenue,
        monthly.cogs - coalesce(attributed.cogs, 0) as cogs,
        monthly.cost_to_serve - coalesce(attributed.cost_to_serve, 0) as cost_to_serve,
        monthly.commercial_costs + monthly.allocated_costs
        - coalesce(attributed.commercial_and_allocated_costs, 0) as commercial_and_allocated_costs,
        0 as order_line_count,
        0 as return_line_count
    from monthly
    left join attributed
        on
            monthly.customer_id = attributed.customer_id
            and monthly.period_month = attributed.period_month
    where
        monthly.net_revenue <> coalesce(attributed.net_revenue, 0)
        or monthly.cogs <> coalesce(attributed.cogs, 0)
        or monthly.cost_to_serve <> coalesce(attributed.cost_to_serve, 0)
        or monthly.commercial_costs + monthly.allocated_costs
        <> coalesce(attributed.commercial_and_allocated_costs, 0)

),

unioned as (

    select * from products
    union all
    select * from unattributed

),

final as (

    select
        customer_id,
        period_month,
        product_id,
        product_category,
        cast(gross_sales as {{ type_money() }}) as gross_sales,
        cast(net_revenue as {{ type_money() }}) as net_revenue,
        cast(cogs as {{ type_money() }}) as cogs,
        cast(net_revenue - cogs as {{ type_money() }}) as gross_margin,
        cast(cost_to_serve as {{ type_money() }}) as cost_to_serve,
        cast(commercial_and_allocated_costs as {{ type_money() }}) as commercial_and_allocated_costs,
        cast(net_revenue - cogs - cost_to_serve - commercial_and_allocated_costs as {{ type_money() }})
            as customer_product_profit,
        cast(order_line_count as {{ dbt.type_int() }}) as order_line_count,
        cast(return_line_count as {{ dbt.type_int() }}) as return_line_count,
        product_id = '{{ unattributed }}' as is_unattributed
    from unioned

)

select * from final
