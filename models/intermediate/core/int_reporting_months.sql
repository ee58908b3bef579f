-- One row per month from the first month of data (earliest acquisition, order or activity) to the
-- month of the as-of date (var as_of_date, default: the latest order or activity date).
with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

order_lines as (

    select * from {{ ref('stg_erp__order_lines') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

data_dates as (

    select
        min(acquisition_date) as first_date,
        cast(null as date) as last_date
    from customers

    union all

    select
        min(ordered_date) as first_date,
        max(ordered_date) as last_date
    from order_lines

    union all

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from activities

),

period as (

    select
        {{ month_of('min(first_date)') }} as first_month,
        {{ as_of_date_var() or 'max(last_date)' }} as as_of_date
    from data_dates

),

bounds as (

    select
        first_month,
        {{ month_of('as_of_date') }} as last_month,
        as_of_date
    from period

),

months as (

    {{ month_series('bounds', 'first_month', 'last_month') }}

),

month_bounds as (

    select
        period_month,
        {{ add_months('period_month', 1) }} as next_month_start
    from months

),

final as (

    select
        month_bounds.period_month,
        month_bounds.next_month_start,
        {{ add_days('month_bounds.next_month_start', -1) }} as period_end_date,
        {{ days_between('month_bounds.period_month', 'month_bounds.next_month_start') }} as days_in_month,
        month_bounds.period_month = bounds.last_month as is_latest_month,
        bounds.as_of_date >= {{ add_days('month_bounds.next_month_start', -1) }} as is_complete_month,
        bounds.as_of_date
    from month_bounds
    cross join bounds

)

select * from final
