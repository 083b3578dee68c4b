with

source as (

    select * from {{ source('edi_835', 'edi_835_adjustments') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index * 10 + triplet_number') }} as adjustment_id,
        {{ position_key('file_number', 'claim_segment_index') }} as remittance_id,
        case when service_segment_index is not null
            then {{ position_key('file_number', 'service_segment_index') }}
        end as remittance_line_id,

        ---------- codes
        adjustment_level,
        upper(trim(group_code)) as group_code,
        upper(trim(reason_code)) as reason_code,

        ---------- numerics
        adjustment_amount,
        adjustment_quantity

    from numbered

)

select * from renamed
