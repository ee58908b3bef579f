-- Who are our lead customers (the bottom profit tier: unprofitable and undesirable), and what do they cost
-- us? For the latest tier period: each lead customer's profit, what its costs are made of over the analysis
-- window, its matrix quadrant and lifecycle stage, so a manager can decide to reprice or plan an exit.
-- Compile with `dbt compile` and run the SQL in target/compiled/, or paste it into any SQL client.
with

tiers as (

    select * from {{ ref('fct_customer_profit_tiers') }}
    where is_latest_period

),

profitability as (

    select * from {{ ref('fct_customer_profitability') }}

),

matrix as (

    select * from {{ ref('fct_customer_profitability_matrix') }}

),

stages as (

    select * from {{ ref('fct_customer_lifecycle_stage') }}

)

select
    tiers.customer_id,
    matrix.matrix_quadrant,
    stages.lifecycle_stage,
    tiers.period_profit,
    tiers.clv,
    profitability.net_revenue,
    profitability.cogs,
    profitability.cost_to_serve,
    profitability.commercial_costs,
    profitability.allocated_costs,
    profitability.customer_profit
from tiers
inner join profitability
    on tiers.customer_id = profitability.customer_id
left join matrix
    on tiers.customer_id = matrix.customer_id
left join stages
    on tiers.customer_id = stages.customer_id
where tiers.profit_tier = 'lead'
order by profitability.customer_profit asc
