-- Rows the loader could not load because a value does not cast to the contract's type (issue 10).
with

source as (

    select * from {{ source('loader', 'load_rejects') }}

)

select
    cast(table_name as {{ dbt.type_string() }}) as table_name,
    cast(source_file as {{ dbt.type_string() }}) as source_file,
    cast(source_row as {{ dbt.type_bigint() }}) as source_row,
    cast(row_key as {{ dbt.type_string() }}) as row_key,
    cast(column_name as {{ dbt.type_string() }}) as column_name,
    cast(raw_value as {{ dbt.type_string() }}) as raw_value,
    cast(raw_values as {{ dbt.type_string() }}) as raw_values,
    cast(reason_code as {{ dbt.type_string() }}) as reason_code,
    cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
from source
