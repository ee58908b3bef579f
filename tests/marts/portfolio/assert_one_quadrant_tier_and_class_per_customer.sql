-- Every customer of fct_customer_profitability has exactly one matrix quadrant and one ABC class, and no
-- other customer has any; no customer has more than one profit tier in the latest tier period, and when
-- tier periods are as long as the analysis window (and the data holds a whole latest period) every
-- customer has one. Returns the customers that break it.
{%- set same_window = (var('profit_tier_period_months') | int) == (var('profitability_window_months') | int) %}
with

customers as (

    select * from {{ ref('fct_customer_profitability') }}

),

matrix as (

    select
        customer_id,
        count(*) as quadrants
    from {{ ref('fct_customer_profitability_matrix') }}
    where matrix_quadrant is not null
    group by 1

),

scores as (

    select
        customer_id,
        count(*) as classes
    from {{ ref('fct_customer_abc_scores') }}
    where abc_class is not null
    group by 1

),

tiers as (

    select
        customer_id,
        count(*) as tiers
    from {{ ref('fct_customer_profit_tiers') }}
    where is_latest_period and profit_tier is not null
    group by 1

),

latest_period as (

    select count(*) as latest_period_rows
    from {{ ref('fct_customer_profit_tiers') }}
    where is_latest_period

),

checked as (

    select
        coalesce(customers.customer_id, matrix.customer_id, scores.customer_id, tiers.customer_id) as customer_id,
        customers.customer_id is not null as is_in_window,
        coalesce(matrix.quadrants, 0) as quadrants,
        coalesce(scores.classes, 0) as classes,
        coalesce(tiers.tiers, 0) as tiers,
        latest_period.latest_period_rows
    from customers
    full outer join matrix
        on customers.customer_id = matrix.customer_id
    full outer join scores
        on coalesce(customers.customer_id, matrix.customer_id) = scores.customer_id
    full outer join tiers
        on coalesce(customers.customer_id, matrix.customer_id, scores.customer_id) = tiers.customer_id
    cross join latest_period

)

select * from checked
where
    not is_in_window
    or quadrants <> 1
    or classes <> 1
    or tiers > 1
    {%- if same_window %}
        or (tiers = 0 and latest_period_rows > 0)
    {%- endif %}
