-- Employees; names are personal data and stop here.
with

source as (

    -- the accepted rows; the others are in rpt_rejected_rows with their reason (issue 10)
    select * from {{ ref('base_hr__employees') }}
    where reject_reason is null

),

renamed as (

    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        lower(trim(resource_id)) as resource_id,
        lower(trim(role)) as employee_role,
        cast(monthly_salary as {{ type_money() }}) as monthly_salary,
        cast(payroll_tax_rate as {{ type_rate() }}) as payroll_tax_rate,
        cast(coalesce(fte, 1) as {{ type_rate() }}) as fte,
        cast(hired_date as date) as hired_date,
        cast(left_date as date) as left_date,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

deduplicated as (

    {{ deduplicate('renamed', 'employee_id', 'loaded_at desc') }}

)

select
    employee_id,
    resource_id,
    employee_role,
    monthly_salary,
    payroll_tax_rate,
    fte,
    hired_date,
    left_date,
    loaded_at
from deduplicated
