-- The headline of the whale curve, one row (DOMAIN.md section 1): how high the curve peaks and at which
-- share of customers, the smallest share of customers that already produces 100% of total profit, the
-- share of loss-making customers, and Sherden's 20/80/30 check: the share of profit the top
-- summary_top_customer_share of customers earn and the share lost to the bottom
-- whale_curve_bottom_customer_share (a negative share: the profit they destroy).
--   top n    = ceiling(customers x top share),    the first n ranks
--   bottom n = ceiling(customers x bottom share), the last n ranks
-- The peak is the highest cumulative profit (the first customer share reaching it). Shares of total profit
-- are null when total profit is not positive: the whale curve is read against a profit to share out; the
-- amounts beside them still say what happened.
{%- set top_share = number_var('summary_top_customer_share', min_value=0, max_value=1, exclusive_min=true) %}
{%- set bottom_share = number_var('whale_curve_bottom_customer_share', min_value=0, max_value=1, exclusive_min=true) %}
with

curve as (

    select * from {{ ref('fct_customer_whale_curve') }}

),

counts as (

    select
        max(customer_count) as customer_count,
        max(total_customer_profit) as total_customer_profit,
        max(cumulative_profit) as peak_cumulative_profit,
        ceiling(max(customer_count) * {{ top_share }}) as top_customers,
        ceiling(max(customer_count) * {{ bottom_share }}) as bottom_customers
    from curve

),

peak as (

    select min(curve.cumulative_customer_share) as peak_customer_share
    from curve
    inner join counts
        on curve.cumulative_profit = counts.peak_cumulative_profit

),

headline as (

    select
        max(curve.window_start_month) as window_start_month,
        max(curve.window_end_month) as window_end_month,
        max(counts.customer_count) as customer_count,
        max(counts.total_customer_profit) as total_customer_profit,
        max(counts.peak_cumulative_profit) as peak_cumulative_profit,
        min(
            case
                when curve.cumulative_profit >= counts.total_customer_profit and counts.total_customer_profit > 0
                    then curve.cumulative_customer_share
            end
        ) as customer_share_for_total_profit,
        sum(case when curve.is_loss_making then 1 else 0 end) as loss_making_customers,
        sum(case when curve.is_loss_making then curve.customer_profit else 0 end) as loss_making_customers_profit,
        sum(case when curve.profit_rank <= counts.top_customers then curve.customer_profit else 0 end)
            as top_customers_profit,
        sum(
            case
                when curve.profit_rank > counts.customer_count - counts.bottom_customers then curve.customer_profit
                else 0
            end
        ) as bottom_customers_profit
    from curve
    cross join counts

),

final as (

    select
        headline.window_start_month,
        headline.window_end_month,
        cast(headline.customer_count as {{ dbt.type_int() }}) as customer_count,
        cast(headline.total_customer_profit as {{ type_money() }}) as total_customer_profit,
        cast(headline.peak_cumulative_profit as {{ type_money() }}) as peak_cumulative_profit,
        cast({{ share_of_profit('headline.peak_cumulative_profit', 'headline.total_customer_profit') }} as double)
            as peak_cumulative_profit_share,
        cast(peak.peak_customer_share as double) as peak_customer_share,
        cast(headline.customer_share_for_total_profit as double) as customer_share_for_total_profit,
        cast({{ safe_divide('headline.loss_making_customers', 'headline.customer_count') }} as double)
            as loss_making_customer_share,
        cast(headline.loss_making_customers_profit as {{ type_money() }}) as loss_making_customers_profit,
        cast({{ top_share }} as double) as top_customer_share,
        cast(headline.top_customers_profit as {{ type_money() }}) as top_customers_profit,
        cast({{ share_of_profit('headline.top_customers_profit', 'headline.total_customer_profit') }} as double)
            as top_customers_profit_share,
        cast({{ bottom_share }} as double) as bottom_customer_share,
        cast(headline.bottom_customers_profit as {{ type_money() }}) as bottom_customers_profit,
        cast({{ share_of_profit('headline.bottom_customers_profit', 'headline.total_customer_profit') }} as double)
            as bottom_customers_profit_share
    from headline
    cross join peak

)

select * from final
