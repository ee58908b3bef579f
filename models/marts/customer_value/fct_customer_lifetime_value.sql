-- Lifetime value (DOMAIN.md section 3.4): one row per customer with at least one complete month and per
-- CLV method, as of the valuation month (the latest complete month).
-- Method retention_closed_form: CLV = m x r / (1 + d - r), with m the customer's expected margin per
-- period, r the retention rate per period measured from the data for the customer's segment or cohort,
-- d the discount rate per period (int_customer_lifetime_values_monthly); 0 for a lost customer. The
-- variants of the closed form stand beside it (macros/lifetime_value.sql).
-- Method bgnbd_gamma_gamma: predicted_clv of fct_customer_clv_predictions (BG/NBD purchases x Gamma-Gamma
-- spend x clv_margin_rate over clv_forecast_horizon_months, discounted monthly); 0 for a customer who made
-- no purchase by the end of the calibration period (the purchase model has nothing to go on).
-- To add a method: a CTE with the columns of `method_columns` (null where a column does not apply) and
-- its name in `methods`; acquisition cost, the net CLV and is_primary_method are added here for all.
{%- set period_months = positive_int_var('clv_period_months') %}
{%- set horizon_months = positive_int_var('clv_horizon_months') %}
{%- set annual_discount_rate = number_var('annual_discount_rate', above=0, below=1) %}
{%- set growth_rate = number_var('clv_margin_growth_rate', min_value=0, below=annual_discount_rate | float) %}
{%- set primary_method = identifier_var('primary_clv_method') %}
{%- set retention_group = choice_var('clv_retention_group', ['segment', 'acquisition_cohort']) %}
{%- set forecast_horizon_months = positive_int_var('clv_forecast_horizon_months') %}
{%- set methods = ['retention_closed_form', 'bgnbd_gamma_gamma'] %}
{%- set method_columns = [
    'customer_id', 'clv_method', 'retention_group', 'retention_group_key', 'retention_basis',
    'expected_monthly_margin', 'margin_per_period', 'period_months', 'monthly_retention_rate',
    'retention_rate', 'discount_rate', 'horizon_months', 'clv', 'clv_first_margin_included',
    'clv_end_of_period', 'clv_with_margin_growth', 'clv_finite_horizon', 'is_active', 'valuation_month',
] %}
with

lifetime_values as (

    select * from {{ ref('int_customer_lifetime_values_monthly') }}

),

customer_months as (

    select * from {{ ref('int_customer_value_months') }}

),

clv_predictions as (

    select * from {{ ref('fct_customer_clv_predictions') }}

),

acquisition_costs as (

    select
        customer_id,
        sum(acquisition_cost) as acquisition_cost
    from customer_months
    group by 1

),

retention_closed_form as (

    select
        customer_id,
        'retention_closed_form' as clv_method,
        '{{ retention_group }}' as retention_group,
        retention_group_key,
        retention_basis,
        expected_monthly_margin,
        margin_per_period,
        {{ period_months }} as period_months,
        monthly_retention_rate,
        retention_rate,
        discount_rate,
        cast(null as {{ dbt.type_int() }}) as horizon_months,
        clv,
        case
            when is_active
                then {{ clv_first_margin_included('margin_per_period', 'retention_rate', 'discount_rate') }}
            else 0
        end as clv_first_margin_included,
        case
            when is_active then {{ clv_end_of_period('margin_per_period', 'retention_rate', 'discount_rate') }}
            else 0
        end as clv_end_of_period,
        case
            when is_active
                then {{ clv_with_margin_growth(
                    'margin_per_period', 'retention_rate', 'discount_rate',
                    rate_per_period(growth_rate, period_months)
                ) }}
            else 0
        end as clv_with_margin_growth,
        case
            when is_active
                then {{ clv_finite_horizon(
                    'margin_per_period', 'retention_rate', 'discount_rate',
                    horizon_months ~ ' / ' ~ period_months ~ '.0'
                ) }}
            else 0
        end as clv_finite_horizon,
        is_active,
        valuation_month
    from lifetime_values
    where period_month = valuation_month

),

bgnbd_gamma_gamma as (

    select
        lifetime_values.customer_id,
        'bgnbd_gamma_gamma' as clv_method,
        cast(null as {{ dbt.type_string() }}) as retention_group,
        cast(null as {{ dbt.type_string() }}) as retention_group_key,
        cast(null as {{ dbt.type_string() }}) as retention_basis,
        cast(null as double) as expected_monthly_margin,
        cast(null as double) as margin_per_period,
        cast(null as {{ dbt.type_int() }}) as period_months,
        cast(null as double) as monthly_retention_rate,
        cast(null as double) as retention_rate,
        {{ rate_per_period(annual_discount_rate, 1) }} as discount_rate,
        {{ forecast_horizon_months }} as horizon_months,
        coalesce(clv_predictions.predicted_clv, 0) as clv,
        cast(null as double) as clv_first_margin_included,
        cast(null as double) as clv_end_of_period,
        cast(null as double) as clv_with_margin_growth,
        cast(null as double) as clv_finite_horizon,
        lifetime_values.is_active,
        lifetime_values.valuation_month
    from lifetime_values
    left join clv_predictions
        on lifetime_values.customer_id = clv_predictions.customer_id
    where lifetime_values.period_month = lifetime_values.valuation_month

),

methods as (

    {% for method in methods %}
        select {{ method_columns | join(', ') }}
        from {{ method }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        methods.customer_id,
        methods.clv_method,
        methods.retention_group,
        methods.retention_group_key,
        methods.retention_basis,
        cast({{ round_money('methods.expected_monthly_margin') }} as {{ type_money() }}) as expected_monthly_margin,
        cast({{ round_money('methods.margin_per_period') }} as {{ type_money() }}) as margin_per_period,
        cast(methods.period_months as {{ dbt.type_int() }}) as period_months,
        cast(methods.monthly_retention_rate as double) as monthly_retention_rate,
        cast(methods.retention_rate as double) as retention_rate,
        cast(methods.discount_rate as double) as discount_rate,
        cast(methods.horizon_months as {{ dbt.type_int() }}) as horizon_months,
        cast({{ round_money('methods.clv') }} as {{ type_money() }}) as clv,
        cast(coalesce(acquisition_costs.acquisition_cost, 0) as {{ type_money() }}) as acquisition_cost,
        cast(
            cast({{ round_money('methods.clv') }} as {{ type_money() }})
            - coalesce(acquisition_costs.acquisition_cost, 0)
            as {{ type_money() }}
        ) as clv_net_of_acquisition_cost,
        cast({{ round_money('methods.clv_first_margin_included') }} as {{ type_money() }}) as clv_first_margin_included,
        cast({{ round_money('methods.clv_end_of_period') }} as {{ type_money() }}) as clv_end_of_period,
        cast({{ round_money('methods.clv_with_margin_growth') }} as {{ type_money() }}) as clv_with_margin_growth,
        cast({{ round_money('methods.clv_finite_horizon') }} as {{ type_money() }}) as clv_finite_horizon,
        methods.clv_method = '{{ primary_method }}' as is_primary_method,
        methods.is_active,
        methods.valuation_month
    from methods
    left join acquisition_costs
        on methods.customer_id = acquisition_costs.customer_id

)

select * from final
