-- Cost to serve per customer and month: the sum of its activities' TDABC costs.
-- Incremental by month (issue 6).
{{ config(**incremental_by_month_config()) }}
with

activities as (

    select * from {{ ref('int_activities_costed') }}
    where {{ in_lookback_window('period_month') }}

),

final as (

    select
        customer_id,
        period_month,
        cast(sum(activity_cost) as {{ type_money() }}) as cost_to_serve,
        count(*) as activity_count,
        cast(sum(activity_minutes) as {{ dbt.type_numeric() }}) as service_minutes
    from activities
    group by 1, 2

)

select * from final
