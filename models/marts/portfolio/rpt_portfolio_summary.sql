-- The portfolio headline of the latest build, one row: the whale curve's headline
-- (rpt_whale_curve_summary) and the counts of the other portfolio views: customers per matrix quadrant
-- are in rpt_profitability_matrix; here the key accounts, the customers at break-even, those kept by
-- their referrals, and the number of customers in each lifecycle stage.
with

whale as (

    select * from {{ ref('rpt_whale_curve_summary') }}

),

key_accounts as (

    select
        count(*) as key_accounts,
        sum(sales_share) as key_accounts_sales_share
    from {{ ref('fct_key_accounts') }}

),

referrals as (

    select
        sum(case when is_at_break_even then 1 else 0 end) as break_even_customers,
        sum(case when is_kept_by_referrals then 1 else 0 end) as customers_kept_by_referrals
    from {{ ref('fct_customer_referral_value') }}

),

stages as (

    select
        sum(case when lifecycle_stage = 'acquire' then 1 else 0 end) as acquire_customers,
        sum(case when lifecycle_stage = 'grow' then 1 else 0 end) as grow_customers,
        sum(case when lifecycle_stage = 'retain' then 1 else 0 end) as retain_customers,
        sum(case when lifecycle_stage = 'at_risk' then 1 else 0 end) as at_risk_customers,
        sum(case when lifecycle_stage = 'exit_candidate' then 1 else 0 end) as exit_candidate_customers
    from {{ ref('fct_customer_lifecycle_stage') }}

),

final as (

    select
        whale.window_start_month,
        whale.window_end_month,
        whale.customer_count,
        whale.total_customer_profit,
        whale.peak_cumulative_profit,
        whale.peak_cumulative_profit_share,
        whale.peak_customer_share,
        whale.customer_share_for_total_profit,
        whale.loss_making_customer_share,
        whale.loss_making_customers_profit,
        whale.top_customer_share,
        whale.top_customers_profit,
        whale.top_customers_profit_share,
        whale.bottom_customer_share,
        whale.bottom_customers_profit,
        whale.bottom_customers_profit_share,
        cast(key_accounts.key_accounts as {{ dbt.type_int() }}) as key_accounts,
        cast(coalesce(key_accounts.key_accounts_sales_share, 0) as double) as key_accounts_sales_share,
        cast(referrals.break_even_customers as {{ dbt.type_int() }}) as break_even_customers,
        cast(referrals.customers_kept_by_referrals as {{ dbt.type_int() }}) as customers_kept_by_referrals,
        cast(stages.acquire_customers as {{ dbt.type_int() }}) as acquire_customers,
        cast(stages.grow_customers as {{ dbt.type_int() }}) as grow_customers,
        cast(stages.retain_customers as {{ dbt.type_int() }}) as retain_customers,
        cast(stages.at_risk_customers as {{ dbt.type_int() }}) as at_risk_customers,
        cast(stages.exit_candidate_customers as {{ dbt.type_int() }}) as exit_candidate_customers
    from whale
    cross join key_accounts
    cross join referrals
    cross join stages

)

select * from final
