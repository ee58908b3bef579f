{% macro quantile_cont(expression, quantile) -%}
    {#- Aggregate: the continuous quantile (linear interpolation between the two nearest values, as
        percentile_cont) of `expression`; 0.5 is the median. DuckDB and most engines write it as an
        ordered-set aggregate; Spark's `percentile` computes the same interpolated value. -#}
    {{ return(adapter.dispatch('quantile_cont', 'customer_value')(expression, quantile)) }}
{%- endmacro %}

{% macro default__quantile_cont(expression, quantile) -%}
    percentile_cont({{ quantile }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__quantile_cont(expression, quantile) -%}
    percentile({{ expression }}, {{ quantile }})
{%- endmacro %}

{% macro min_max_score(value, best, worst) -%}
    {#- A factor score from 0 to 100 against the best customer (DOMAIN.md section 6): the best value scores
        100, the worst 0, and the others in proportion to their distance from the best:
            100 x (value - worst) / (best - worst)
        best and worst are the maximum and minimum for a higher-is-better factor, the reverse otherwise.
        When every customer has the same value, all score 100. Every value lies between worst and best, so
        the distances are taken as absolute values: a lower-is-better factor then never yields -0.0. -#}
    case
        when {{ best }} = {{ worst }} then cast(100 as double)
        else 100 * abs(cast(({{ value }}) - ({{ worst }}) as double)) / abs(({{ best }}) - ({{ worst }}))
    end
{%- endmacro %}

{% macro share_of_profit(amount, total_profit) -%}
    {#- amount / total profit, or null when the total profit is not positive: a share of a loss (or of
        nothing) reads backwards (the top customers would "earn -25%"), so the whale-curve shares are left
        empty then and the amounts speak for themselves. -#}
    case when {{ total_profit }} > 0 then cast({{ amount }} as double) / {{ total_profit }} end
{%- endmacro %}
