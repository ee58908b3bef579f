-- Prospective value (DOMAIN.md section 3.3): the expected profit of the existing relationship only, as of
-- the valuation month (the latest complete month); no renewals, no future relationships, no new customers.
-- One row per customer with at least one complete month.
--   remaining months n   contract: the months after the valuation month up to the end month of the latest
--                        contract running at the as-of date; open-ended contract, or no contract but an
--                        active customer: prospective_value_horizon_months; a lost customer without a
--                        contract: 0 (no relationship left)
--   expected monthly profit m = the customer's run-rate margin (profit before acquisition cost over the last
--                        value_trailing_months months, short histories filled with the group average;
--                        int_customer_lifetime_values_monthly)
--   monthly survival s   1 under a contract (the term is contracted); without one, the monthly retention
--                        rate measured for the customer's group: the relationship lasts only while the
--                        customer stays
--   prospective value  = sum over t = 1..n of m x s^t / (1 + i)^t = clv_finite_horizon(m, s, i, n),
--                        i = (1 + annual_discount_rate) ^ (1/12) - 1; with s = 1 the annuity
--                        m x (1 - (1 + i)^-n) / i
{%- set horizon_months = positive_int_var('prospective_value_horizon_months') %}
{%- set annual_discount_rate = number_var('annual_discount_rate', above=0, below=1) %}
with

lifetime_values as (

    select * from {{ ref('int_customer_lifetime_values_monthly') }}

),

running_contracts as (

    select * from {{ ref('int_running_contracts_aggregated_to_customers') }}

),

valuation_month_values as (

    select
        customer_id,
        expected_monthly_margin,
        monthly_retention_rate,
        is_active,
        valuation_month
    from lifetime_values
    where period_month = valuation_month

),

with_term as (

    select
        valuation_month_values.customer_id,
        valuation_month_values.expected_monthly_margin,
        valuation_month_values.monthly_retention_rate,
        valuation_month_values.is_active,
        valuation_month_values.valuation_month,
        running_contracts.contracted_monthly_value,
        running_contracts.contract_end_date,
        case
            when running_contracts.has_open_ended_contract then 'open_ended_contract'
            when running_contracts.customer_id is not null then 'contract'
            when valuation_month_values.is_active then 'run_rate'
            else 'lost'
        end as prospective_basis
    from valuation_month_values
    left join running_contracts
        on valuation_month_values.customer_id = running_contracts.customer_id

),

with_months as (

    select
        *,
        case
            when prospective_basis = 'contract'
                then greatest(
                    {{ months_between('valuation_month', month_of('contract_end_date')) }}, 0
                )
            when prospective_basis in ('open_ended_contract', 'run_rate') then {{ horizon_months }}
            else 0
        end as remaining_months,
        case
            when prospective_basis = 'run_rate' then monthly_retention_rate
            else 1.0
        end as monthly_survival_rate,
        {{ rate_per_period(annual_discount_rate, 1) }} as monthly_discount_rate
    from with_term

),

final as (

    select
        customer_id,
        prospective_basis,
        cast({{ round_money('contracted_monthly_value') }} as {{ type_money() }}) as contracted_monthly_value,
        cast({{ round_money('expected_monthly_margin') }} as {{ type_money() }}) as expected_monthly_profit,
        cast(remaining_months as {{ dbt.type_int() }}) as remaining_months,
        cast(monthly_survival_rate as double) as monthly_survival_rate,
        cast(monthly_discount_rate as double) as monthly_discount_rate,
        cast({{ round_money('expected_monthly_margin * remaining_months') }} as {{ type_money() }})
            as undiscounted_prospective_value,
        cast(
            {{ round_money(clv_finite_horizon(
                'expected_monthly_margin', 'monthly_survival_rate', 'monthly_discount_rate', 'remaining_months'
            )) }}
            as {{ type_money() }}
        ) as prospective_value,
        contracted_monthly_value is not null as has_running_contract,
        is_active,
        contract_end_date,
        valuation_month
    from with_months

)

select * from final
