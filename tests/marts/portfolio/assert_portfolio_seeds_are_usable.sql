-- The portfolio seeds must describe a complete rule set: ABC weights with at least one above zero, ABC
-- cut-offs whose last class reaches every customer (1), and a profit tier rule without conditions last,
-- so every customer gets exactly one class and one tier. Returns one row per broken rule.
with

weights as (

    select * from {{ ref('abc_scoring_weights') }}

),

cutoffs as (

    select * from {{ ref('abc_class_cutoffs') }}

),

tiers as (

    select * from {{ ref('profit_tier_rules') }}

),

last_tier as (

    select max(tier_order) as last_tier_order
    from tiers

),

checks as (

    select
        'abc_scoring_weights: no weight above 0' as broken_rule,
        count(*) as offending_rows
    from weights
    having sum(weight) <= 0

    union all

    select
        'abc_class_cutoffs: the last class does not reach 1' as broken_rule,
        count(*) as offending_rows
    from cutoffs
    having max(max_cumulative_customer_share) < 1

    union all

    select
        'profit_tier_rules: the last rule has conditions' as broken_rule,
        count(*) as offending_rows
    from tiers
    inner join last_tier
        on tiers.tier_order = last_tier.last_tier_order
    where
        tiers.max_profit_rank_share is not null
        or tiers.min_period_profit_exclusive is not null
        or tiers.min_clv_exclusive is not null

)

select * from checks
where offending_rows > 0
