-- Time-driven activity-based costing, step 1: per resource (team) and month, the cost of the capacity
-- supplied (staff cost plus the seed's overhead per fte) and its practical capacity in minutes
-- (fte x theoretical minutes x the practical share, about 80%), giving
--     capacity cost rate = cost of capacity supplied / practical capacity   (per minute).
-- A resource with no practical capacity in a month gets a null rate (flagged), never infinity.
with

resources as (

    select * from {{ ref('resources') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

employee_months as (

    select * from {{ ref('int_employee_months_costed') }}

),

staffing as (

    select
        resource_id,
        period_month,
        sum(fte_months) as fte_months,
        sum(employee_cost) as staff_cost
    from employee_months
    where cost_pool = 'capacity'
    group by 1, 2

),

resource_months as (

    select
        resources.resource_id,
        months.period_month,
        resources.theoretical_minutes_per_fte_month,
        resources.practical_capacity_share,
        resources.overhead_per_fte_month,
        coalesce(staffing.fte_months, 0) as fte_months,
        coalesce(staffing.staff_cost, 0) as staff_cost
    from resources
    cross join months
    left join staffing
        on
            resources.resource_id = staffing.resource_id
            and months.period_month = staffing.period_month

),

costed as (

    select
        resource_id,
        period_month,
        cast(fte_months as {{ type_rate() }}) as fte_months,
        cast(staff_cost as {{ type_money() }}) as staff_cost,
        cast(round(fte_months * overhead_per_fte_month, 2) as {{ type_money() }}) as overhead_cost,
        cast(fte_months * theoretical_minutes_per_fte_month as {{ dbt.type_numeric() }}) as theoretical_minutes,
        cast(
            fte_months * theoretical_minutes_per_fte_month * practical_capacity_share
            as {{ dbt.type_numeric() }}
        ) as practical_minutes
    from resource_months

),

final as (

    select
        resource_id,
        period_month,
        fte_months,
        staff_cost,
        overhead_cost,
        cast(staff_cost + overhead_cost as {{ type_money() }}) as capacity_cost,
        theoretical_minutes,
        practical_minutes,
        {{ safe_divide('staff_cost + overhead_cost', 'practical_minutes') }} as cost_per_minute,
        practical_minutes > 0 as has_capacity
    from costed

)

select * from final
