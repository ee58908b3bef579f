{#- Closed forms of the retention-based customer lifetime value (DOMAIN.md section 3), also used by
    prospective value (the finite horizon with r = 1 is the annuity of a contracted term). Arguments are
    SQL expressions: m is the margin per period, r the retention rate per period, d the discount rate per
    period, g the margin growth per period, periods the horizon in periods. Every result is a double;
    callers cast money. -#}

{% macro clv_residual(m, r, d) -%}
    {#- Infinite horizon, margins at the end of each period the customer survives to:
        CLV = m x r / (1 + d - r). -#}
    (cast({{ m }} as double) * {{ r }} / (1 + {{ d }} - {{ r }}))
{%- endmacro %}

{% macro clv_first_margin_included(m, r, d) -%}
    {#- As clv_residual, with the current period's margin counted too:
        CLV = m x (1 + d) / (1 + d - r) (= m + clv_residual). -#}
    (cast({{ m }} as double) * (1 + {{ d }}) / (1 + {{ d }} - {{ r }}))
{%- endmacro %}

{% macro clv_end_of_period(m, r, d) -%}
    {#- Margins at the end of each period, the first one certain: CLV = m / (1 + d - r). -#}
    (cast({{ m }} as double) / (1 + {{ d }} - {{ r }}))
{%- endmacro %}

{% macro clv_with_margin_growth(m, r, d, g) -%}
    {#- As clv_residual with the margin growing by g a period: CLV = m x r / (1 + d - r x (1 + g)).
        Finite only while r x (1 + g) < 1 + d. -#}
    (cast({{ m }} as double) * {{ r }} / (1 + {{ d }} - {{ r }} * (1 + {{ g }})))
{%- endmacro %}

{% macro clv_finite_horizon(m, r, d, periods) -%}
    {#- As clv_residual, over `periods` periods only:
        CLV = m x r / (1 + d - r) x (1 - (r / (1 + d)) ^ T) = sum over t = 1..T of m x r^t / (1 + d)^t. -#}
    ({{ clv_residual(m, r, d) }} * (1 - power(cast({{ r }} as double) / (1 + {{ d }}), {{ periods }})))
{%- endmacro %}

{% macro rate_per_period(annual_rate, months) -%}
    {#- The compound rate over `months` months equivalent to an annual rate: (1 + rate) ^ (months / 12). -#}
    (power(1 + cast({{ annual_rate }} as double), cast({{ months }} as double) / 12) - 1)
{%- endmacro %}
