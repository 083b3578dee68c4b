{#- A rate that is null, not zero or an error, when its denominator is zero. -#}
{% macro safe_divide(numerator, denominator) -%}
    case when ({{ denominator }}) = 0 then null
         else cast({{ numerator }} as double) / cast({{ denominator }} as double) end
{%- endmacro %}
