{#- Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"; Colombo and Jiang 1999): a
    customer's purchase values are Gamma(p, nu), nu ~ Gamma(q, gamma) across customers, independent of
    the purchase process. Observed: x repeat purchases with a positive value and their average m. -#}

{% macro gamma_gamma_log_likelihood_contribution(p, o) -%}
    {#- One observation's contribution to the Gamma-Gamma log-likelihood, for parameters in relation `p`
        (columns p, q, gamma) and observation `o` (columns customers, x, m, is_count_row):
            ln L = ln Gamma(p x + q) - ln Gamma(p x) - ln Gamma(q) + q ln gamma            (terms in x only)
                 + (p x - 1) ln m + p x ln x - (p x + q) ln(x m + gamma)
        A count row carries the first line for all its customers with that x; a customer row the second. -#}
    case
        when {{ o }}.is_count_row then
            {{ o }}.customers * (
                {{ log_gamma(p ~ '.p * ' ~ o ~ '.x + ' ~ p ~ '.q') }} - {{ log_gamma(p ~ '.p * ' ~ o ~ '.x') }}
                - {{ log_gamma(p ~ '.q') }} + {{ p }}.q * ln({{ p }}.gamma)
            )
        else
            ({{ p }}.p * {{ o }}.x - 1) * ln({{ o }}.m) + {{ p }}.p * {{ o }}.x * ln({{ o }}.x)
            - ({{ p }}.p * {{ o }}.x + {{ p }}.q) * ln({{ o }}.x * {{ o }}.m + {{ p }}.gamma)
    end
{%- endmacro %}

{% macro gamma_gamma_expected_value(p, x, m) -%}
    {#- E[M | x, m] = p (gamma + x m) / (p x + q - 1): a weighted average of the population mean
        p gamma / (q - 1) and the customer's own average m, with weight p x / (p x + q - 1) on m; the
        population mean for a customer without repeat purchases (x = 0). Null when q <= 1 and x = 0
        (the population mean is infinite). -#}
    {{ safe_divide(p ~ '.p * (' ~ p ~ '.gamma + ' ~ x ~ ' * coalesce(' ~ m ~ ', 0))',
                   'case when ' ~ p ~ '.p * ' ~ x ~ ' + ' ~ p ~ '.q - 1 > 0 then ' ~ p ~ '.p * ' ~ x ~ ' + ' ~ p ~ '.q - 1 end') }}
{%- endmacro %}
