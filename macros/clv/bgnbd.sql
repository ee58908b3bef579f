{#- BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way"). A customer buys at
    rate lambda while alive, lambda ~ Gamma(r, alpha) across customers; after each repeat purchase it
    drops out with probability p, p ~ Beta(a, b). Observed: x repeat purchases, the last at t_x, over
    a calibration period of length T since the first purchase (t_cal below). -#}

{% macro bgnbd_log_likelihood_contribution(p, o) -%}
    {#- One observation's contribution to the BG/NBD log-likelihood, for parameters in relation `p`
        (columns r, alpha, a, b) and observation `o` (columns customers, x, t_x, t_cal, is_count_row):
            ln L = ln Gamma(r + x) - ln Gamma(r) + r ln alpha                        (terms in x only)
                 + ln Gamma(a + b) + ln Gamma(b + x) - ln Gamma(b) - ln Gamma(a + b + x)
                 + ln[ (alpha + T)^-(r + x) + [x > 0] a / (b + x - 1) (alpha + t_x)^-(r + x) ]
        A count row (is_count_row) carries the terms in x only, for all its customers with that x; a
        group row the last line, for all its customers with that (x, t_x, T). The last line is
        -(r + x) ln(alpha + T) + softplus(ln a - ln(b + x - 1) + (r + x) (ln(alpha + T) - ln(alpha + t_x))). -#}
    {{ o }}.customers * (
        case
            when {{ o }}.is_count_row then
                {{ log_gamma(p ~ '.r + ' ~ o ~ '.x') }} - {{ log_gamma(p ~ '.r') }} + {{ p }}.r * ln({{ p }}.alpha)
                + {{ log_gamma(p ~ '.a + ' ~ p ~ '.b') }} + {{ log_gamma(p ~ '.b + ' ~ o ~ '.x') }}
                - {{ log_gamma(p ~ '.b') }} - {{ log_gamma(p ~ '.a + ' ~ p ~ '.b + ' ~ o ~ '.x') }}
            else
                -({{ p }}.r + {{ o }}.x) * ln({{ p }}.alpha + {{ o }}.t_cal)
                + case
                    when {{ o }}.x > 0 then {{ softplus(bgnbd_alive_log_odds_complement(p, o ~ '.x', o ~ '.t_x', o ~ '.t_cal')) }}
                    else 0
                end
        end
    )
{%- endmacro %}

{% macro bgnbd_alive_log_odds_complement(p, x, t_x, t_cal) -%}
    {#- ln[ a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x) ] for x > 0: the log-odds of having
        dropped out after the last purchase against still being alive. -#}
    (ln({{ p }}.a) - ln({{ p }}.b + {{ x }} - 1) + ({{ p }}.r + {{ x }}) * (ln({{ p }}.alpha + {{ t_cal }}) - ln({{ p }}.alpha + {{ t_x }})))
{%- endmacro %}

{% macro bgnbd_probability_alive(p, x, t_x, t_cal) -%}
    {#- P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)):
        1 for a customer without repeat purchases (BG/NBD customers can only drop out right after a
        repeat purchase). Computed as exp(-softplus(log-odds)) so it never overflows. -#}
    case
        when {{ x }} > 0 then exp(-{{ softplus(bgnbd_alive_log_odds_complement(p, x, t_x, t_cal)) }})
        else 1.0
    end
{%- endmacro %}

{% macro bgnbd_uses_euler_series(p) -%}
    {#- Which series bgnbd_expected_purchases sums (see there): the transformed one, whose terms all have
        one sign, when a + b - 1 - r >= 0; the direct one, whose terms are all positive, otherwise. -#}
    ({{ p }}.a + {{ p }}.b - 1 - {{ p }}.r >= 0)
{%- endmacro %}

{% macro bgnbd_direct_a(p) -%}
    {#- a for the direct form, which divides by a - 1: within 1e-6 of 1 it is moved to 1 + 1e-6, which
        changes the expected purchases by about 1e-6 of their derivative in a. -#}
    (case when abs({{ p }}.a - 1) < 1e-6 then 1 + 1e-6 else {{ p }}.a end)
{%- endmacro %}

{% macro bgnbd_series_arguments(p, x, t_cal, horizon, use_euler=none) -%}
    {#- SQL expressions of the arguments of hypergeometric_tail_series for bgnbd_expected_purchases:
        p1, p2, q1, z and the factor the series is multiplied by (error_scale). -#}
    {%- set euler = use_euler or bgnbd_uses_euler_series(p) -%}
    {%- set a_direct = bgnbd_direct_a(p) -%}
    {%- set log_one_minus_z = '(ln(' ~ p ~ '.alpha + ' ~ t_cal ~ ') - ln(' ~ p ~ '.alpha + ' ~ t_cal ~ ' + ' ~ horizon ~ '))' -%}
    {{ return({
        'p1': 'case when ' ~ euler ~ ' then ' ~ p ~ '.a + ' ~ p ~ '.b - 1 - ' ~ p ~ '.r else ' ~ p ~ '.r + ' ~ x ~ ' end',
        'p2': 'case when ' ~ euler ~ ' then ' ~ p ~ '.a else ' ~ p ~ '.b + ' ~ x ~ ' + 1 end',
        'q1': 'case when ' ~ euler ~ ' then ' ~ p ~ '.a else ' ~ a_direct ~ ' end + ' ~ p ~ '.b + ' ~ x ~ ' - 1',
        'z': '(' ~ horizon ~ ' / (' ~ p ~ '.alpha + ' ~ t_cal ~ ' + ' ~ horizon ~ '))',
        'error_scale': 'case when ' ~ euler ~ ' then (' ~ p ~ '.a + ' ~ p ~ '.b + ' ~ x ~ ' - 1) * exp((' ~ p ~ '.a - 1) * '
            ~ log_one_minus_z ~ ') else abs((' ~ a_direct ~ ' + ' ~ p ~ '.b + ' ~ x ~ ' - 1) / (' ~ a_direct ~ ' - 1)) * ('
            ~ p ~ '.b + ' ~ x ~ ') * exp((' ~ p ~ '.r + ' ~ x ~ ') * ' ~ log_one_minus_z ~ ') end',
    }) }}
{%- endmacro %}

{% macro bgnbd_expected_purchases(p, x, t_cal, horizon, series_sum, probability_alive, use_euler=none) -%}
    {#- E[X(t) | x, t_x, T]: expected purchases in the next t time units (Fader, Hardie and Lee 2005, eq. 10)
            (a + b + x - 1) / (a - 1) [1 - (1 - z)^(r + x) 2F1(r + x, b + x; a + b + x - 1; z)] P(alive)
        with z = t / (alpha + T + t), 1 - z = (alpha + T) / (alpha + T + t). Two ways to sum it, both
        with hypergeometric_tail_series S (arguments from bgnbd_series_arguments):
        * direct: 2F1 = 1 + (b + x) S, S with p1 = r + x, p2 = b + x + 1, q1 = a + b + x - 1: all terms
          positive;
        * Euler's transformation 2F1(A, B; C; z) = (1 - z)^(C - A - B) 2F1(C - A, C - B; C; z) gives
          (a + b + x - 1) [G - (1 - z)^(a - 1) S] P(alive), G = (1 - (1 - z)^(a - 1)) / (a - 1) (-> -ln(1 - z)
          as a -> 1), S with p1 = a + b - 1 - r, p2 = a, q1 = a + b + x - 1: terms that shrink faster the
          more purchases x, and no 0/0 at a = 1; but when a + b - 1 - r < 0 they alternate in sign and
          can cancel (badly when r is large, customers alike and buying often).
        bgnbd_uses_euler_series picks the transformed sum unless its terms would alternate; the direct
        form uses bgnbd_direct_a for a. -#}
    {%- set euler = use_euler or bgnbd_uses_euler_series(p) -%}
    {%- set log_one_minus_z = '(ln(' ~ p ~ '.alpha + ' ~ t_cal ~ ') - ln(' ~ p ~ '.alpha + ' ~ t_cal ~ ' + ' ~ horizon ~ '))' -%}
    (
        case
            when {{ euler }} then
                ({{ p }}.a + {{ p }}.b + {{ x }} - 1)
                * (
                    case
                        when abs({{ p }}.a - 1) < 1e-6
                            then -{{ log_one_minus_z }} * (1 + ({{ p }}.a - 1) * {{ log_one_minus_z }} / 2)
                        else (1 - exp(({{ p }}.a - 1) * {{ log_one_minus_z }})) / ({{ p }}.a - 1)
                    end
                    - exp(({{ p }}.a - 1) * {{ log_one_minus_z }}) * {{ series_sum }}
                )
            else
                ({{ bgnbd_direct_a(p) }} + {{ p }}.b + {{ x }} - 1) / ({{ bgnbd_direct_a(p) }} - 1)
                * (1 - exp(({{ p }}.r + {{ x }}) * {{ log_one_minus_z }}) * (1 + ({{ p }}.b + {{ x }}) * {{ series_sum }}))
        end
        * {{ probability_alive }}
    )
{%- endmacro %}
