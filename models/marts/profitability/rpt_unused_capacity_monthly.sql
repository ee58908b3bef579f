-- Capacity used and unused per resource and month (TDABC). The cost of unused capacity is not pushed
-- onto customers: it stays here, so managers see what idle capacity costs and where capacity is short.
--     capacity cost = cost of used capacity (charged to customers) + cost of unused capacity
with

capacity as (

    select * from {{ ref('int_resource_capacity_costs') }}

),

activities as (

    select * from {{ ref('int_activities_costed') }}

),

used as (

    select
        resource_id,
        period_month,
        count(*) as activity_count,
        sum(activity_minutes) as used_minutes,
        sum(activity_cost) as used_capacity_cost,
        sum(case when has_capacity_rate then 0 else activity_minutes end) as unrated_minutes
    from activities
    group by 1, 2

),

final as (

    select
        capacity.resource_id,
        capacity.period_month,
        capacity.fte_months,
        capacity.capacity_cost,
        capacity.practical_minutes,
        cast(capacity.cost_per_minute as {{ type_rate() }}) as cost_per_minute,
        cast(coalesce(used.activity_count, 0) as {{ dbt.type_int() }}) as activity_count,
        cast(coalesce(used.used_minutes, 0) as {{ dbt.type_numeric() }}) as used_minutes,
        cast(capacity.practical_minutes - coalesce(used.used_minutes, 0) as {{ dbt.type_numeric() }})
            as unused_minutes,
        cast(coalesce(used.unrated_minutes, 0) as {{ dbt.type_numeric() }}) as unrated_minutes,
        cast({{ safe_divide('coalesce(used.used_minutes, 0)', 'capacity.practical_minutes') }} as double)
            as utilisation,
        cast(coalesce(used.used_capacity_cost, 0) as {{ type_money() }}) as used_capacity_cost,
        cast(capacity.capacity_cost - coalesce(used.used_capacity_cost, 0) as {{ type_money() }})
            as unused_capacity_cost,
        coalesce(used.used_minutes, 0) > capacity.practical_minutes as is_over_capacity,
        capacity.has_capacity
    from capacity
    left join used
        on
            capacity.resource_id = used.resource_id
            and capacity.period_month = used.period_month

)

select * from final
