-- Movement between profit tiers: one row per tier period (after the first) and pair of tiers, the
-- number of customers that were in from_profit_tier in the period before and are in to_profit_tier now
-- (from_profit_tier 'new' for customers without a row in the period before). The goal is to move
-- bronze to gold and gold to platinum.
with

tiers as (

    select * from {{ ref('fct_customer_profit_tiers') }}

),

earliest as (

    select max(period_index) as earliest_period_index
    from tiers

),

final as (

    select
        tiers.period_end_month,
        coalesce(tiers.previous_profit_tier, 'new') as from_profit_tier,
        tiers.profit_tier as to_profit_tier,
        tiers.tier_movement,
        cast(count(*) as {{ dbt.type_int() }}) as customer_count,
        cast(sum(tiers.period_profit) as {{ type_money() }}) as period_profit,
        max(tiers.period_start_month) as period_start_month,
        max(tiers.period_index) = 0 as is_latest_period
    from tiers
    cross join earliest
    where tiers.period_index < earliest.earliest_period_index
    group by 1, 2, 3, 4

)

select * from final
