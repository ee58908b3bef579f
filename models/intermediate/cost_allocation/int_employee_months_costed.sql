-- One row per employee and month employed: the month's cost (salary plus payroll tax, times fte,
-- prorated for the days employed) and the cost pool it belongs to:
--   capacity            the employee staffs a resource of seeds/resources.csv (costed by TDABC);
--   account_management  the employee manages accounts (allocated to them by share of sales);
--   fixed               everybody else (left unallocated; reported for break-even).
with

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

resources as (

    select * from {{ ref('resources') }}

),

employed_months as (

    select
        employees.employee_id,
        employees.resource_id,
        employees.employee_role,
        employees.monthly_salary,
        employees.payroll_tax_rate,
        employees.fte,
        months.period_month,
        months.days_in_month,
        {{ days_between(
            'case when employees.hired_date > months.period_month then employees.hired_date else months.period_month end',
            'case when employees.left_date < months.period_end_date then employees.left_date else months.period_end_date end'
        ) }} + 1 as employed_days
    from employees
    inner join months
        on
            employees.hired_date <= months.period_end_date
            and (employees.left_date is null or employees.left_date >= months.period_month)

),

final as (

    select
        employed_months.employee_id,
        employed_months.period_month,
        employed_months.resource_id,
        employed_months.employee_role,
        case
            when resources.resource_id is not null then 'capacity'
            when employed_months.employee_role = '{{ var("account_manager_role") }}' then 'account_management'
            else 'fixed'
        end as cost_pool,
        employed_months.employed_days,
        cast(
            employed_months.fte * employed_months.employed_days / employed_months.days_in_month
            as {{ type_rate() }}
        ) as fte_months,
        cast(
            {{ round_money(
                'employed_months.monthly_salary * (1 + employed_months.payroll_tax_rate) * employed_months.fte'
                ~ ' * employed_months.employed_days / employed_months.days_in_month'
            ) }}
            as {{ type_money() }}
        ) as employee_cost
    from employed_months
    left join resources
        on employed_months.resource_id = resources.resource_id

)

select * from final
