-- Break-even customers and the value of referrals (DOMAIN.md section 5), one row per customer: its own
-- profit over the analysis window, whether it is at break-even, and the value of the customers it referred
-- (customers whose referred_by_customer_id is this customer; direct referrals only).
--   at break-even             |window profit| <= break_even_band_share x window net revenue (a customer
--                             without net revenue only at exactly 0)
--   referred window profit    sum of the referred customers' window profit
--   referred CLV              sum of the referred customers' lifetime value (primary_clv_method)
--   profit incl. referrals    window profit + referred window profit
--   CLV incl. referrals       CLV + referred CLV
-- A break-even or loss-making customer whose referrals make it profitable overall is flagged
-- is_kept_by_referrals: worth keeping for the customers it brings.
{%- set band = number_var('break_even_band_share', min_value=0, max_value=1) %}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

customer_value as (

    select * from {{ ref('fct_customer_value') }}

),

referred as (

    select
        customers.referred_by_customer_id as customer_id,
        count(*) as referred_customers,
        sum(case when customer_value.window_customer_profit is not null then 1 else 0 end)
            as referred_customers_with_history,
        sum(coalesce(customer_value.window_customer_profit, 0)) as referred_window_profit,
        sum(coalesce(customer_value.clv, 0)) as referred_clv
    from customers
    left join customer_value
        on customers.customer_id = customer_value.customer_id
    where customers.referred_by_customer_id is not null
    group by 1

),

joined as (

    select
        customers.customer_id,
        customer_value.window_net_revenue,
        coalesce(customer_value.window_customer_profit, 0) as window_customer_profit,
        coalesce(customer_value.clv, 0) as clv,
        coalesce(referred.referred_customers, 0) as referred_customers,
        coalesce(referred.referred_customers_with_history, 0) as referred_customers_with_history,
        coalesce(referred.referred_window_profit, 0) as referred_window_profit,
        coalesce(referred.referred_clv, 0) as referred_clv,
        coalesce(customer_value.has_history, false) as has_history
    from customers
    left join customer_value
        on customers.customer_id = customer_value.customer_id
    left join referred
        on customers.customer_id = referred.customer_id

),

flagged as (

    select
        *,
        has_history
        and abs(window_customer_profit)
        <= {{ band }} * case when window_net_revenue > 0 then window_net_revenue else 0 end
            as is_at_break_even
    from joined

),

final as (

    select
        customer_id,
        cast(window_net_revenue as {{ type_money() }}) as window_net_revenue,
        cast(window_customer_profit as {{ type_money() }}) as window_customer_profit,
        cast(clv as {{ type_money() }}) as clv,
        cast(referred_customers as {{ dbt.type_int() }}) as referred_customers,
        cast(referred_customers_with_history as {{ dbt.type_int() }}) as referred_customers_with_history,
        cast(referred_window_profit as {{ type_money() }}) as referred_window_profit,
        cast(referred_clv as {{ type_money() }}) as referred_clv,
        cast(window_customer_profit + referred_window_profit as {{ type_money() }}) as profit_including_referrals,
        cast(clv + referred_clv as {{ type_money() }}) as clv_including_referrals,
        has_history,
        is_at_break_even,
        window_customer_profit < 0 as is_loss_making,
        (is_at_break_even or window_customer_profit < 0)
        and window_customer_profit + referred_window_profit > 0 as is_kept_by_referrals
    from flagged

)

select * from final
