-- Break-even per month (DOMAIN.md section 5): break-even revenue = fixed costs / contribution margin ratio.
--   contribution margin ratio = contribution margin of all customers / their net revenue
--   fixed costs               = allocated costs (account management and retention spend, which do not
--                               move with a customer's revenue) + unallocated costs (the pool of
--                               rpt_unallocated_costs_monthly: unused capacity, fixed staff, pools no
--                               customer carried)
--   operating result          = contribution margin - fixed costs (= customer profit - unallocated costs)
-- Break-even revenue is null in a month whose contribution margin ratio is not positive (no revenue covers
-- the fixed costs then). Complete months only.
with

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

unallocated as (

    select * from {{ ref('rpt_unallocated_costs_monthly') }}

),

customer_totals as (

    select
        period_month,
        sum(net_revenue) as net_revenue,
        sum(contribution_margin) as contribution_margin,
        sum(allocated_costs) as allocated_costs,
        sum(customer_profit) as customer_profit
    from monthly
    where is_complete_month
    group by 1

),

unallocated_totals as (

    select
        period_month,
        sum(unallocated_amount) as unallocated_costs
    from unallocated
    group by 1

),

joined as (

    select
        customer_totals.period_month,
        customer_totals.net_revenue,
        customer_totals.contribution_margin,
        customer_totals.allocated_costs,
        coalesce(unallocated_totals.unallocated_costs, 0) as unallocated_costs,
        customer_totals.allocated_costs + coalesce(unallocated_totals.unallocated_costs, 0) as fixed_costs,
        customer_totals.customer_profit,
        {{ safe_divide('customer_totals.contribution_margin', 'customer_totals.net_revenue') }}
            as contribution_margin_ratio
    from customer_totals
    left join unallocated_totals
        on customer_totals.period_month = unallocated_totals.period_month

),

final as (

    select
        period_month,
        cast(net_revenue as {{ type_money() }}) as net_revenue,
        cast(contribution_margin as {{ type_money() }}) as contribution_margin,
        cast(contribution_margin_ratio as double) as contribution_margin_ratio,
        cast(allocated_costs as {{ type_money() }}) as allocated_costs,
        cast(unallocated_costs as {{ type_money() }}) as unallocated_costs,
        cast(fixed_costs as {{ type_money() }}) as fixed_costs,
        cast(
            case
                when contribution_margin_ratio > 0 then {{ round_money('fixed_costs / contribution_margin_ratio') }}
            end
            as {{ type_money() }}
        ) as break_even_revenue,
        cast(
            case
                when contribution_margin_ratio > 0
                    then net_revenue - {{ round_money('fixed_costs / contribution_margin_ratio') }}
            end
            as {{ type_money() }}
        ) as margin_of_safety,
        cast(contribution_margin - fixed_costs as {{ type_money() }}) as operating_result,
        contribution_margin - fixed_costs >= 0 as is_at_or_above_break_even
    from joined

)

select * from final
