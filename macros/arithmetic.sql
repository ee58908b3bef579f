{% macro safe_divide(numerator, denominator) -%}
    {#- numerator / denominator, or null when the denominator is zero or null (DuckDB would return
        infinity, Spark null; neither may reach a mart). -#}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as double) / {{ denominator }}
    end
{%- endmacro %}

{% macro round_money(amount, precision=2) -%}
    {#- Rounds an amount that went through a division or a double to the cent, the same way on every
        engine: first to 6 decimals as a decimal, which absorbs the binary noise of double arithmetic,
        then half away from zero. Rounding the double directly differs between engines at a half cent:
        5.25 minutes x 0.593333.../minute is 3.115, held as the double 3.1149999999999998, which DuckDB
        rounds to 3.12 and Spark to 3.11; and Spark's decimal division already yields a decimal where
        DuckDB's yields a double. An exact decimal product (quantity x price) needs only round(). -#}
    round(cast({{ amount }} as decimal(38, 6)), {{ precision }})
{%- endmacro %}

{% macro cumulative_rounded(amount, partition_by, order_by, precision=2) -%}
    {#- Rounds a running accrual so the rounded parts add up exactly to the rounded total: each row
        books round(running total) - round(running total before it). Interest accrued month by
        month then sums to balance x rate x days / days_in_year over any whole run of months, to the
        cent, instead of drifting by a cent a month. -#}
    {{ round_money(
        'sum(' ~ amount ~ ') over (partition by ' ~ partition_by ~ ' order by ' ~ order_by
        ~ ' rows between unbounded preceding and current row)',
        precision
    ) }}
    - coalesce(
        {{ round_money(
            'sum(' ~ amount ~ ') over (partition by ' ~ partition_by ~ ' order by ' ~ order_by
            ~ ' rows between unbounded preceding and 1 preceding)',
            precision
        ) }},
        0
    )
{%- endmacro %}
