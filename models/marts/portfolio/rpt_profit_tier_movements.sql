-- Movement between profit tiers: one row per tier period (after the first) and pair of tiers, the
-- number of customers that were in from_profit_tier in the period before and are in to_profit_tier now
-- (from_profit_tier 'new' for customers without a row in the period before). The goal is to move
-- bronze to gold and gold to platinum.
with

tiers as (

    select * from {{ ref('fct_customer_profit_tiers') }}

),

final as (

    select
        period_end_month,
        coalesce(previous_profit_tier, 'new') as from_profit_tier,
        profit_tier as to_profit_tier,
        tier_movement,
        cast(count(*) as {{ dbt.type_int() }}) as customer_count,
        cast(sum(period_profit) as {{ type_money() }}) as period_profit,
        max(period_start_month) as period_start_month,
        max(period_index) = 0 as is_latest_period
    from tiers
    where period_index < (select max(period_index) from tiers)
    group by 1, 2, 3, 4

)

select * from final
