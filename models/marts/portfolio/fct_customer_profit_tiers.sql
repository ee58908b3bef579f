-- Profit tiers (DOMAIN.md section 5), one row per customer and tier period, with the movement from the
-- period before. Periods are profit_tier_period_months complete months long, counted back from the latest
-- complete month (period_index 0 is the latest period); only whole periods are kept. A customer's tier in
-- a period is the first rule of seeds/profit_tier_rules.csv, in tier_order, whose conditions all hold:
--   rank by period profit / customers in the period <= max_profit_rank_share   (empty: no condition)
--   period profit > min_period_profit_exclusive                                (empty: no condition)
--   CLV at the period's last month > min_clv_exclusive                         (empty: no condition)
-- CLV is the retention closed form as it stood at the end of the period (int_customer_lifetime_values_monthly);
-- it is null in the first months of data, and a CLV condition then does not hold. The last rule has no
-- conditions, so every customer gets exactly one tier. Movement: up (a better tier than the period
-- before), down, unchanged, or new (no row in the period before).
{%- set period_months = positive_int_var('profit_tier_period_months') %}
with

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

lifetime_values as (

    select * from {{ ref('int_customer_lifetime_values_monthly') }}

),

rules as (

    select * from {{ ref('profit_tier_rules') }}

),

bounds as (

    select
        min(period_month) as first_month,
        max(period_month) as latest_month
    from monthly
    where is_complete_month

),

months_indexed as (

    select
        monthly.customer_id,
        monthly.period_month,
        monthly.customer_profit,
        bounds.latest_month,
        bounds.first_month,
        cast(
            floor(
                ({{ months_between('monthly.period_month', 'bounds.latest_month') }}) / {{ period_months }}
            ) as {{ dbt.type_int() }}
        )
            as period_index
    from monthly
    cross join bounds
    where monthly.is_complete_month

),

periods as (

    select
        customer_id,
        period_index,
        {{ add_months('max(latest_month)', '-(period_index * ' ~ period_months ~ ' + ' ~ (period_months - 1) ~ ')') }}
            as period_start_month,
        {{ add_months('max(latest_month)', '-(period_index * ' ~ period_months ~ ')') }} as period_end_month,
        max(first_month) as first_month,
        sum(customer_profit) as period_profit
    from months_indexed
    group by 1, 2

),

whole_periods as (

    select
        periods.customer_id,
        periods.period_index,
        periods.period_start_month,
        periods.period_end_month,
        periods.period_profit,
        lifetime_values.clv
    from periods
    left join lifetime_values
        on
            periods.customer_id = lifetime_values.customer_id
            and periods.period_end_month = lifetime_values.period_month
    where periods.period_start_month >= periods.first_month

),

ranked as (

    select
        *,
        row_number() over (partition by period_index order by period_profit desc, customer_id asc) as profit_rank,
        count(*) over (partition by period_index) as customers_in_period
    from whole_periods

),

matched as (

    select
        ranked.customer_id,
        ranked.period_index,
        min(rules.tier_order) as tier_order
    from ranked
    cross join rules
    where
        (
            rules.max_profit_rank_share is null
            or ranked.profit_rank <= ranked.customers_in_period * rules.max_profit_rank_share
        )
        and (rules.min_period_profit_exclusive is null or ranked.period_profit > rules.min_period_profit_exclusive)
        and (rules.min_clv_exclusive is null or ranked.clv > rules.min_clv_exclusive)
    group by 1, 2

),

tiered as (

    select
        ranked.*,
        matched.tier_order,
        rules.profit_tier
    from ranked
    inner join matched
        on
            ranked.customer_id = matched.customer_id
            and ranked.period_index = matched.period_index
    inner join rules
        on matched.tier_order = rules.tier_order

),

final as (

    select
        tiered.customer_id,
        tiered.profit_tier,
        previous.profit_tier as previous_profit_tier,
        case
            when previous.customer_id is null then 'new'
            when tiered.tier_order < previous.tier_order then 'up'
            when tiered.tier_order > previous.tier_order then 'down'
            else 'unchanged'
        end as tier_movement,
        cast(tiered.period_profit as {{ type_money() }}) as period_profit,
        cast(tiered.clv as {{ type_money() }}) as clv,
        cast(tiered.profit_rank as {{ dbt.type_int() }}) as profit_rank,
        cast(tiered.profit_rank as double) / tiered.customers_in_period as profit_rank_share,
        cast(tiered.tier_order as {{ dbt.type_int() }}) as tier_order,
        cast(previous.tier_order as {{ dbt.type_int() }}) as previous_tier_order,
        cast(tiered.period_index as {{ dbt.type_int() }}) as period_index,
        tiered.period_index = 0 as is_latest_period,
        tiered.period_start_month,
        tiered.period_end_month
    from tiered
    left join tiered as previous
        on
            tiered.customer_id = previous.customer_id
            and tiered.period_index + 1 = previous.period_index

)

select * from final
