{% macro as_of_date_var() -%}
    {#- The `as_of_date` var as a validated SQL date literal, or none when unset. -#}
    {{ return(date_var('as_of_date')) }}
{%- endmacro %}

{% macro positive_int_var(name) -%}
    {#- An integer var, checked to be a whole number of at least 1. -#}
    {%- set value = var(name) -%}
    {%- if not modules.re.match('^[0-9]+$', value | string | trim) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a whole number of at least 1, not '" ~ value ~ "'") }}
    {%- endif -%}
    {%- if (value | int) < 1 -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be at least 1, not '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{% macro number_var(name, min_value=none, max_value=none, above=none, below=none, exclusive_min=false) -%}
    {#- A numeric var, checked to be a plain decimal number (an exponent allowed) within
        [min_value, max_value], strictly above `above` and below `below` where given; exclusive_min
        makes min_value strict too. Returns the number's text as a SQL literal, so nothing from the
        command line reaches SQL unchecked. -#}
    {%- set text = var(name) | string | trim -%}
    {%- if not modules.re.match('^-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$', text) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a number, not '" ~ text ~ "'") }}
    {%- endif -%}
    {%- set number = text | float -%}
    {%- if min_value is not none and (number < min_value or (exclusive_min and number == min_value)) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be " ~ ('above ' if exclusive_min else 'at least ') ~ min_value ~ ", not " ~ text) }}
    {%- endif -%}
    {%- if max_value is not none and number > max_value -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be at most " ~ max_value ~ ", not " ~ text) }}
    {%- endif -%}
    {%- if above is not none and number <= above -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be greater than " ~ above ~ ", not " ~ text) }}
    {%- endif -%}
    {%- if below is not none and number >= below -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be less than " ~ below ~ ", not " ~ text) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{% macro date_var(name) -%}
    {#- A date var as a validated SQL date literal, or none when unset (null or empty). Anything that is
        not an ISO date (YYYY-MM-DD) stops the build with a sentence naming the var. -#}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a date as YYYY-MM-DD, not '" ~ text ~ "'") }}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.strptime(text, '%Y-%m-%d') -%}
    {{ return("cast('" ~ parsed.strftime('%Y-%m-%d') ~ "' as date)") }}
{%- endmacro %}

{% macro choice_var(name, choices) -%}
    {#- A text var that must be one of `choices` (a list of words); returned trimmed and lower-case. -#}
    {%- set value = var(name) | string | trim | lower -%}
    {%- if value not in choices -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be one of " ~ (choices | join(', ')) ~ ", not '" ~ var(name) ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{% macro identifier_var(name) -%}
    {#- A var naming something (a method, a key): lower-case letters, digits and underscores only. -#}
    {%- set value = var(name) | string | trim -%}
    {%- if not modules.re.match('^[a-z][a-z0-9_]*$', value) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a name of lower-case letters, digits and underscores, not '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{% macro positive_int_list_var(name) -%}
    {#- A var holding a non-empty list of distinct whole numbers of at least 1 (YAML list, or a
        comma-separated string from the command line), returned sorted. -#}
    {%- set value = var(name) -%}
    {%- set items = value.split(',') if value is string else value -%}
    {%- set numbers = [] -%}
    {%- for item in items -%}
        {%- if not modules.re.match('^[0-9]+$', item | string | trim) or (item | string | trim | int) < 1 -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a list of whole numbers of at least 1, not '" ~ value ~ "'") }}
        {%- endif -%}
        {%- do numbers.append(item | string | trim | int) -%}
    {%- endfor -%}
    {%- if numbers | length == 0 or (numbers | unique | list | length) != (numbers | length) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a non-empty list of distinct whole numbers, not '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(numbers | sort) }}
{%- endmacro %}
