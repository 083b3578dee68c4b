with

source as (

    select * from {{ source('pm', 'pm_rejects') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        file_name,
        profile as pm_profile,
        file_role,

        ---------- position
        row_number as source_row_number,
        column_name,
        table_name,
        field_name,

        ---------- what was wrong
        value as masked_value,
        reason as reject_reason

    from source

)

select * from renamed
