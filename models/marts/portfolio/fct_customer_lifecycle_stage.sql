-- The stage of the relationship (DOMAIN.md section 7), one row per customer, as of the valuation month;
-- the first rule that holds:
--   acquire         fewer than lifecycle_acquire_months complete months of history (or none yet): win
--                   and onboard it (planned marketing)
--   exit_candidate  unprofitable over the analysis window (profit < 0) and not valuable over its lifetime
--                   (CLV <= valuable_clv_threshold): it cannot be made profitable; plan an orderly exit
--   at_risk         not active any more, or its order volume trend is at or below
--                   -lifecycle_trend_threshold, or its latest satisfaction score is at or below
--                   lifecycle_at_risk_max_satisfaction: prevent churn
--   grow            order volume trend at or above +lifecycle_trend_threshold: cross- and up-sell
--   retain          everyone else: established and stable; keep it loyal
-- The order volume trend is the ABC factor (orders in the window's second half - first half) / all orders.
-- What moved the customer's value is beside the stage: the valuation month's profit against its trailing
-- average and its window profit, CLV and prospective value.
{%- set acquire_months = positive_int_var('lifecycle_acquire_months') %}
{%- set trend_threshold = number_var('lifecycle_trend_threshold', min_value=0, max_value=1) %}
{%- set max_satisfaction = number_var('lifecycle_at_risk_max_satisfaction', min_value=0, max_value=5) %}
{%- set valuable_threshold = number_var('valuable_clv_threshold') %}
with

customer_value as (

    select * from {{ ref('fct_customer_value') }}

),

factors as (

    select * from {{ ref('int_customer_abc_factors_unpivoted') }}
    where factor = 'order_volume_trend'

),

satisfaction as (

    select * from {{ ref('fct_customer_satisfaction') }}

),

joined as (

    select
        customer_value.customer_id,
        customer_value.months_of_history,
        customer_value.has_history,
        customer_value.is_active,
        customer_value.window_customer_profit,
        customer_value.clv,
        customer_value.prospective_value,
        customer_value.current_month_profit,
        customer_value.change_vs_trailing_average,
        factors.factor_value as order_volume_trend,
        satisfaction.latest_score as latest_satisfaction_score
    from customer_value
    left join factors
        on customer_value.customer_id = factors.customer_id
    left join satisfaction
        on customer_value.customer_id = satisfaction.customer_id

),

staged as (

    select
        *,
        case
            when not has_history or months_of_history < {{ acquire_months }} then 'acquire'
            when window_customer_profit < 0 and coalesce(clv, 0) <= {{ valuable_threshold }} then 'exit_candidate'
            when
                not is_active
                or coalesce(order_volume_trend, 0) <= -{{ trend_threshold }}
                or coalesce(latest_satisfaction_score <= {{ max_satisfaction }}, false)
                then 'at_risk'
            when coalesce(order_volume_trend, 0) >= {{ trend_threshold }} then 'grow'
            else 'retain'
        end as lifecycle_stage
    from joined

),

final as (

    select
        customer_id,
        lifecycle_stage,
        cast(months_of_history as {{ dbt.type_int() }}) as months_of_history,
        cast(order_volume_trend as double) as order_volume_trend,
        cast(latest_satisfaction_score as {{ dbt.type_int() }}) as latest_satisfaction_score,
        cast(window_customer_profit as {{ type_money() }}) as window_customer_profit,
        cast(clv as {{ type_money() }}) as clv,
        cast(prospective_value as {{ type_money() }}) as prospective_value,
        cast(current_month_profit as {{ type_money() }}) as current_month_profit,
        cast(change_vs_trailing_average as {{ type_money() }}) as change_vs_trailing_average,
        has_history,
        is_active
    from staged

)

select * from final
