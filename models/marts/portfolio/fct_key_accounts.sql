-- Key accounts (DOMAIN.md section 5): customers whose share of total net sales over the analysis window is
-- key_account_min_sales_share (5%) or more, each with its own margin statement. Every cost the project can
-- tie to a customer is already on it: its cost of goods, its cost to serve (TDABC on its own activities),
-- its commercial costs (incentives, payment-deferral and balance carrying costs, acquisition cost) and its
-- share of the general costs allocated to customers (its account manager's cost by share of sales, the
-- retention spend aimed at it). The statement shows them line by line, with the margin ratios computed on
-- the account's own net revenue. Costs no customer carries stay in rpt_unallocated_costs_monthly.
{%- set min_share = number_var('key_account_min_sales_share', min_value=0, max_value=1, exclusive_min=true) %}
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

dim as (

    select * from {{ ref('dim_customers') }}

),

totals as (

    select
        sum(net_sales) as total_net_sales,
        sum(customer_profit) as total_customer_profit
    from customers

),

shares as (

    select
        customers.*,
        totals.total_net_sales,
        {{ safe_divide('customers.net_sales', 'totals.total_net_sales') }} as sales_share,
        {{ safe_divide('customers.customer_profit', 'totals.total_customer_profit') }} as profit_share
    from customers
    cross join totals

),

final as (

    select
        shares.customer_id,
        dim.account_manager_id,
        dim.segment,
        cast(shares.net_sales as {{ type_money() }}) as net_sales,
        cast(shares.total_net_sales as {{ type_money() }}) as total_net_sales,
        cast(shares.sales_share as double) as sales_share,
        cast(shares.net_revenue as {{ type_money() }}) as net_revenue,
        cast(shares.cogs as {{ type_money() }}) as cogs,
        cast(shares.gross_margin as {{ type_money() }}) as gross_margin,
        cast(shares.cost_to_serve as {{ type_money() }}) as cost_to_serve,
        cast(shares.commercial_costs as {{ type_money() }}) as commercial_costs,
        cast(shares.contribution_margin as {{ type_money() }}) as contribution_margin,
        cast(shares.account_management_cost as {{ type_money() }}) as account_management_cost,
        cast(shares.retention_cost as {{ type_money() }}) as retention_cost,
        cast(shares.allocated_costs as {{ type_money() }}) as allocated_costs,
        cast(shares.customer_profit as {{ type_money() }}) as customer_profit,
        cast({{ safe_divide('shares.gross_margin', 'shares.net_revenue') }} as double) as gross_margin_ratio,
        cast({{ safe_divide('shares.contribution_margin', 'shares.net_revenue') }} as double)
            as contribution_margin_ratio,
        cast({{ safe_divide('shares.customer_profit', 'shares.net_revenue') }} as double) as profit_margin_ratio,
        cast(shares.profit_share as double) as profit_share,
        shares.window_start_month,
        shares.window_end_month
    from shares
    left join dim
        on shares.customer_id = dim.customer_id
    where shares.sales_share >= {{ min_share }}

)

select * from final
