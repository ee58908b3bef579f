-- Where each customer stands in the portfolio now, one row per customer of dim_customers: its quadrant of
-- the profitability matrix, its profit tier in the latest tier period, its ABC class and its lifecycle
-- stage. The semantic layer slices every customer metric by these (customer__tier, customer__quadrant,
-- ...), so a month of history is grouped by where the customer stands today. A customer with no row in
-- a portfolio mart (no profitability in its window, or no row in the latest tier period) has null there.
with

customers as (

    select * from {{ ref('dim_customers') }}

),

matrix as (

    select * from {{ ref('fct_customer_profitability_matrix') }}

),

tiers as (

    select * from {{ ref('fct_customer_profit_tiers') }}
    where is_latest_period

),

abc_scores as (

    select * from {{ ref('fct_customer_abc_scores') }}

),

lifecycle as (

    select * from {{ ref('fct_customer_lifecycle_stage') }}

),

final as (

    select
        customers.customer_id,
        matrix.matrix_quadrant,
        tiers.profit_tier,
        tiers.tier_order,
        abc_scores.abc_class,
        lifecycle.lifecycle_stage,
        tiers.period_end_month as tier_period_end_month,
        matrix.window_end_month as matrix_window_end_month
    from customers
    left join matrix on customers.customer_id = matrix.customer_id
    left join tiers on customers.customer_id = tiers.customer_id
    left join abc_scores on customers.customer_id = abc_scores.customer_id
    left join lifecycle on customers.customer_id = lifecycle.customer_id

)

select * from final
