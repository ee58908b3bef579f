{% macro log_gamma(x) -%}
    {#- ln Gamma(x) for x > 0, on every engine. DuckDB (and most warehouses) have lgamma; Spark SQL has no
        log-gamma function, so its variant evaluates log_gamma_stirling. -#}
    {{ return(adapter.dispatch('log_gamma', 'customer_value')(x)) }}
{%- endmacro %}

{% macro default__log_gamma(x) -%}
    lgamma({{ x }})
{%- endmacro %}

{% macro spark__log_gamma(x) -%}
    {{ log_gamma_stirling(x) }}
{%- endmacro %}

{% macro log_gamma_stirling(x) -%}
    {#- ln Gamma(x) for x > 0 from plain arithmetic (ln, pi): shift to z = x + 7 with the recurrence
        ln Gamma(x) = ln Gamma(x + 7) - ln(x (x + 1) ... (x + 6)), then Stirling's series
        (z - 1/2) ln z - z + ln(2 pi) / 2 + 1/(12 z) - 1/(360 z^3) + 1/(1260 z^5) - 1/(1680 z^7).
        For z >= 7 the first omitted term, 1/(1188 z^9), is below 3e-11, so the absolute error is
        about 1e-11 plus rounding (tests/macros/assert_log_gamma_matches_known_values.sql checks it). -#}
    {%- set z = '((' ~ x ~ ') + 7)' -%}
    (
        ({{ z }} - 0.5) * ln({{ z }}) - {{ z }} + 0.5 * ln(2 * pi())
        + 1 / (12 * {{ z }})
        - 1 / (360 * power({{ z }}, 3))
        + 1 / (1260 * power({{ z }}, 5))
        - 1 / (1680 * power({{ z }}, 7))
        {%- for k in range(7) %}
        - ln(({{ x }}) + {{ k }})
        {%- endfor %}
    )
{%- endmacro %}

{% macro log_abs_gamma(x) -%}
    {#- ln |Gamma(x)| for any x that is not 0 or a negative whole number: log_gamma for x > 0, the
        reflection formula |Gamma(x)| = pi / (|sin(pi x)| Gamma(1 - x)) below. -#}
    case
        when ({{ x }}) > 0 then {{ log_gamma(x) }}
        else ln(pi()) - ln(abs(sin(pi() * ({{ x }})))) - {{ log_gamma('1 - (' ~ x ~ ')') }}
    end
{%- endmacro %}
