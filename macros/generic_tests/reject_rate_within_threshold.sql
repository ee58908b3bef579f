{% test reject_rate_within_threshold(model) %}
    {#- issue 10: fails when a raw table lost a larger share of its rows to one reject reason than
        allowed: var reject_rate_thresholds['<table>.<reason>'], else ['<reason>'], else var
        reject_rate_threshold. `model` has table_name, reason_code, rejected_rows, raw_rows (the
        summary rpt_rejected_rows_summary). The first such row stops the test with a message naming the
        table, the reason, the share and the threshold (dbt itself would only count rows); the rows are
        returned too, for engines without an error function. -#}
    {%- set overrides = reject_rate_threshold_overrides() -%}
    {%- set default_threshold = number_var('reject_rate_threshold', min_value=0, max_value=1) -%}
    with

    thresholds as (

        select
            cast('' as {{ dbt.type_string() }}) as threshold_key,
            cast(null as double) as max_reject_rate
        {%- for key, value in overrides.items() %}
        union all
        select '{{ key }}' as threshold_key, cast({{ value }} as double) as max_reject_rate
        {%- endfor %}

    ),

    rates as (

        select
            summary.table_name,
            summary.reason_code,
            summary.rejected_rows,
            summary.raw_rows,
            cast(summary.rejected_rows as double) / summary.raw_rows as reject_rate,
            coalesce(
                by_table.max_reject_rate, by_reason.max_reject_rate, cast({{ default_threshold }} as double)
            ) as max_reject_rate
        from {{ model }} as summary
        left join thresholds as by_table
            on {{ dbt.concat(['summary.table_name', "'.'", 'summary.reason_code']) }} = by_table.threshold_key
        left join thresholds as by_reason
            on summary.reason_code = by_reason.threshold_key
        where summary.raw_rows > 0

    )

    select
        table_name,
        reason_code,
        rejected_rows,
        raw_rows,
        reject_rate,
        max_reject_rate
    from rates
    where
        reject_rate > max_reject_rate
        and {{ raise_error(dbt.concat([
            "'raw.'", 'table_name', "': '", "cast(rejected_rows as " ~ dbt.type_string() ~ ")",
            "' of '", "cast(raw_rows as " ~ dbt.type_string() ~ ")",
            "' rows rejected as '", 'reason_code', "' (share '",
            "cast(round(reject_rate, 4) as " ~ dbt.type_string() ~ ")",
            "', above the threshold '", "cast(max_reject_rate as " ~ dbt.type_string() ~ ")",
            "' of var reject_rate_thresholds / reject_rate_threshold); see rpt_rejected_rows'"
        ])) }} is null
{% endtest %}
