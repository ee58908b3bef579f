-- Probabilistic lifetime value per customer (BG/NBD for purchases, Gamma-Gamma for spend), one row per
-- customer who bought by the end of the calibration period: the RFM summary, the probability that
-- the customer is still buying, expected purchases over the documented horizons, the expected value of
-- a purchase and the CLV over var clv_forecast_horizon_months:
--   predicted_clv = clv_margin_rate x expected purchase value x discounted expected purchases.
{%- set horizon_weeks = positive_int_list_var('clv_purchase_horizons_weeks') %}
{%- set margin_rate = number_var('clv_margin_rate', 0, 1) %}
with

customers as (

    select * from {{ ref('int_customer_purchases_summarised') }}

),

forecasts as (

    select * from {{ ref('int_rfm_group_purchases_forecast') }}

),

spend_parameters as (

    select * from {{ ref('int_gamma_gamma_parameters_fitted') }}

),

valued as (

    select
        customers.customer_id,
        customers.time_unit,
        customers.repeat_purchases,
        customers.time_of_last_purchase,
        customers.customer_age,
        customers.spend_repeat_purchases,
        {{ safe_divide('customers.repeat_spend', 'customers.spend_repeat_purchases') }}
            as average_repeat_purchase_value,
        forecasts.probability_alive,
        {%- for weeks in horizon_weeks %}
            forecasts.expected_purchases_{{ weeks }}_weeks,
        {%- endfor %}
        forecasts.expected_purchases_clv_horizon,
        forecasts.discounted_expected_purchases,
        forecasts.expected_purchases_error_bound,
        customers.holdout_purchases,
        forecasts.expected_holdout_purchases,
        {{ gamma_gamma_expected_value(
            'spend_parameters', 'customers.spend_repeat_purchases',
            safe_divide('customers.repeat_spend', 'customers.spend_repeat_purchases')
        ) }} as expected_purchase_value,
        customers.spend_repeat_purchases > 0 as is_in_spend_model,
        customers.first_purchase_date,
        customers.last_purchase_date,
        customers.calibration_end_date
    from customers
    inner join forecasts
        on
            customers.repeat_purchases = forecasts.repeat_purchases
            and customers.days_to_last_purchase = forecasts.days_to_last_purchase
            and customers.days_observed = forecasts.days_observed
    cross join spend_parameters

),

final as (

    select
        customer_id,
        time_unit,
        repeat_purchases,
        time_of_last_purchase,
        customer_age,
        cast({{ round_money('average_repeat_purchase_value') }} as {{ type_money() }}) as average_repeat_purchase_value,
        probability_alive,
        {%- for weeks in horizon_weeks %}
            expected_purchases_{{ weeks }}_weeks,
        {%- endfor %}
        {{ positive_int_var('clv_forecast_horizon_months') }} as clv_horizon_months,
        expected_purchases_clv_horizon,
        discounted_expected_purchases,
        cast({{ round_money('expected_purchase_value') }} as {{ type_money() }}) as expected_purchase_value,
        cast({{ round_money('expected_purchase_value * discounted_expected_purchases') }} as {{ type_money() }})
            as discounted_expected_revenue,
        cast(
            {{ round_money(margin_rate ~ ' * expected_purchase_value * discounted_expected_purchases') }}
            as {{ type_money() }}
        ) as predicted_clv,
        holdout_purchases,
        expected_holdout_purchases,
        expected_purchases_error_bound,
        is_in_spend_model,
        first_purchase_date,
        last_purchase_date,
        calibration_end_date
    from valued

)

select * from final
