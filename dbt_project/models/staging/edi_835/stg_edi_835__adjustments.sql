with

source as (

    select * from {{ source('edi_835', 'edi_835_adjustments') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        file_id || ':' || cast(segment_index as varchar) || ':'
            || cast(triplet_number as varchar) as adjustment_id,
        file_id || ':' || cast(claim_segment_index as varchar) as remittance_id,
        case when service_segment_index is not null
            then file_id || ':' || cast(service_segment_index as varchar)
        end as remittance_line_id,

        ---------- codes
        adjustment_level,
        upper(trim(group_code)) as group_code,
        upper(trim(reason_code)) as reason_code,

        ---------- numerics
        adjustment_amount,
        adjustment_quantity

    from source

)

select * from renamed
