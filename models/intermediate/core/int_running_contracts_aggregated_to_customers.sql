-- The contracts running at the as-of date (started on or before it, not ended before it), one row per
-- customer that has any: how many, their monthly value together, and when the last of them ends (null
-- when one is open-ended). dim_customers and fct_customer_prospective_value read it.
with

contracts as (

    select * from {{ ref('stg_erp__contracts') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from months

),

running as (

    select
        contracts.customer_id,
        count(*) as running_contract_count,
        sum(contracts.contracted_monthly_value) as contracted_monthly_value,
        max(case when contracts.end_date is null then 1 else 0 end) = 1 as has_open_ended_contract,
        max(contracts.end_date) as latest_end_date
    from contracts
    cross join as_of
    where
        contracts.start_date <= as_of.as_of_date
        and (contracts.end_date is null or contracts.end_date >= as_of.as_of_date)
    group by 1

),

final as (

    select
        customer_id,
        cast(running_contract_count as {{ dbt.type_int() }}) as running_contract_count,
        cast(contracted_monthly_value as {{ type_money() }}) as contracted_monthly_value,
        has_open_ended_contract,
        case when not has_open_ended_contract then latest_end_date end as contract_end_date
    from running

)

select * from final
