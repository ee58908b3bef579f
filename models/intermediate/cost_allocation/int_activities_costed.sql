-- Time-driven activity-based costing, step 2: each logged activity costs
--     capacity cost rate of its resource in its month x minutes it took,
-- with the logged duration when there is one, else the time equation of seeds/activity_types.csv
-- (standard minutes + minutes per unit x units). Activities of a resource without capacity in the
-- month get no rate: cost 0 and has_capacity_rate false, reported, not guessed.
-- Incremental (issue 6): a scheduled run recomputes the months of the lookback window only.
{{ config(**incremental_by_month_config()) }}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}
    where {{ in_lookback_window(month_of('activity_date')) }}

),

activity_types as (

    select * from {{ ref('activity_types') }}

),

capacity as (

    select * from {{ ref('int_resource_capacity_costs') }}

),

timed as (

    select
        activities.activity_id,
        activities.customer_id,
        activities.activity_type,
        coalesce(activities.resource_id, activity_types.default_resource_id) as resource_id,
        activities.channel,
        cast(
            coalesce(
                activities.duration_minutes,
                activity_types.standard_minutes + activity_types.minutes_per_unit * coalesce(activities.units, 0)
            )
            as {{ dbt.type_numeric() }}
        ) as activity_minutes,
        activities.duration_minutes is null as is_standard_time,
        activities.activity_date,
        {{ month_of('activities.activity_date') }} as period_month,
        activities.loaded_at
    from activities
    left join activity_types
        on activities.activity_type = activity_types.activity_type

),

final as (

    select
        timed.activity_id,
        timed.customer_id,
        timed.activity_type,
        timed.resource_id,
        timed.channel,
        timed.activity_minutes,
        capacity.cost_per_minute,
        cast(
            coalesce({{ round_money('timed.activity_minutes * capacity.cost_per_minute') }}, 0)
            as {{ type_money() }}
        ) as activity_cost,
        timed.is_standard_time,
        capacity.cost_per_minute is not null as has_capacity_rate,
        timed.activity_date,
        timed.period_month,
        timed.loaded_at
    from timed
    left join capacity
        on
            timed.resource_id = capacity.resource_id
            and timed.period_month = capacity.period_month

)

select * from final
