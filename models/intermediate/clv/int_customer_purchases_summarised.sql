-- The RFM summary of every customer who bought by the end of the calibration period, in the time unit
-- of var clv_time_unit (day, week or month):
-- x   = repeat_purchases: purchase days after the first, up to the calibration end;
-- t_x = time_of_last_purchase: from the first to the last purchase of the calibration period;
-- T   = customer_age: from the first purchase to the calibration end.
-- The calibration end is var clv_calibration_end_date, or the latest purchase date. Purchases after it
-- (to the latest purchase date) are the holdout, kept to compare with the forecasts.
-- The spend model sees the repeat purchase days with a positive spend and their average.
{%- set days_per_unit = clv_days_per_time_unit() %}
{%- set calibration_end = date_var('clv_calibration_end_date') %}
with

purchase_days as (

    select * from {{ ref('int_purchases_aggregated_to_customer_days') }}

),

calibration as (

    select
        coalesce({{ calibration_end or 'cast(null as date)' }}, max(purchase_date)) as calibration_end_date,
        max(purchase_date) as latest_purchase_date
    from purchase_days

),

first_purchases as (

    select
        customer_id,
        min(purchase_date) as first_purchase_date
    from purchase_days
    group by customer_id

),

classified as (

    select
        purchase_days.customer_id,
        purchase_days.spend_amount,
        purchase_days.has_spend,
        purchase_days.purchase_date > calibration.calibration_end_date as is_holdout,
        purchase_days.purchase_date > first_purchases.first_purchase_date as is_repeat,
        purchase_days.purchase_date,
        first_purchases.first_purchase_date,
        calibration.calibration_end_date,
        case
            when calibration.latest_purchase_date > calibration.calibration_end_date
                then calibration.latest_purchase_date
            else calibration.calibration_end_date
        end as holdout_end_date
    from purchase_days
    inner join first_purchases
        on purchase_days.customer_id = first_purchases.customer_id
    cross join calibration
    where first_purchases.first_purchase_date <= calibration.calibration_end_date

),

summarised as (

    select
        customer_id,
        cast(sum(case when is_repeat and not is_holdout then 1 else 0 end) as {{ dbt.type_int() }})
            as repeat_purchases,
        cast(sum(case when is_repeat and not is_holdout and has_spend then 1 else 0 end) as {{ dbt.type_int() }})
            as spend_repeat_purchases,
        cast(sum(case when is_repeat and not is_holdout then spend_amount else 0 end) as {{ type_money() }})
            as repeat_spend,
        cast(sum(case when is_holdout then 1 else 0 end) as {{ dbt.type_int() }}) as holdout_purchases,
        first_purchase_date,
        max(case when not is_holdout then purchase_date end) as last_purchase_date,
        calibration_end_date,
        holdout_end_date
    from classified
    group by customer_id, first_purchase_date, calibration_end_date, holdout_end_date

),

final as (

    select
        customer_id,
        '{{ clv_time_unit() }}' as time_unit,
        repeat_purchases,
        {{ days_between('first_purchase_date', 'last_purchase_date') }} as days_to_last_purchase,
        {{ days_between('first_purchase_date', 'calibration_end_date') }} as days_observed,
        cast({{ days_between('first_purchase_date', 'last_purchase_date') }} as double) / {{ days_per_unit }}
            as time_of_last_purchase,
        cast({{ days_between('first_purchase_date', 'calibration_end_date') }} as double) / {{ days_per_unit }}
            as customer_age,
        spend_repeat_purchases,
        repeat_spend,
        holdout_purchases,
        cast({{ days_between('calibration_end_date', 'holdout_end_date') }} as double) / {{ days_per_unit }}
            as holdout_length,
        first_purchase_date,
        last_purchase_date,
        calibration_end_date,
        holdout_end_date
    from summarised

)

select * from final
