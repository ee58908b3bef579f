-- MetricFlow's time spine: one row per day from semantic_time_spine_start to semantic_time_spine_end.
-- MetricFlow joins metrics to it for time-based queries (metric_time); the marts' time dimensions are
-- months, which MetricFlow derives from the days. dbt.generate_series is dbt's cross-database number
-- series, so the model builds on DuckDB and Spark alike.
{%- set start_date = date_var('semantic_time_spine_start') -%}
{%- set end_date = date_var('semantic_time_spine_end') -%}
{%- set first_day = modules.datetime.date.fromisoformat(var('semantic_time_spine_start') | string | trim) -%}
{%- set last_day = modules.datetime.date.fromisoformat(var('semantic_time_spine_end') | string | trim) -%}
{%- set day_count = (last_day - first_day).days + 1 -%}
{%- if day_count < 1 -%}
    {{ exceptions.raise_compiler_error("var semantic_time_spine_end must not be before semantic_time_spine_start") }}
{%- endif %}

with

numbers as (

    {{ dbt.generate_series(day_count) }}

),

final as (

    -- generate_series multiplies by power(2, i), a double on Spark: back to a whole number of days.
    select {{ add_days(start_date, 'cast(generated_number as ' ~ dbt.type_int() ~ ') - 1') }} as date_day
    from numbers

)

select * from final
