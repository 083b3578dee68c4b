{#- The rows of `relation` (a CTE or relation holding client_id and file_id) with their file's
    number from stg_ingest__file_numbers, the first half of every position_key. -#}
{% macro with_file_number(relation) -%}
    select
        {{ relation }}.*,
        file_numbers.file_number

    from {{ relation }}
    left join {{ ref('stg_ingest__file_numbers') }} as file_numbers
        on {{ relation }}.client_id = file_numbers.client_id
        and {{ relation }}.file_id = file_numbers.file_id
{%- endmacro %}
