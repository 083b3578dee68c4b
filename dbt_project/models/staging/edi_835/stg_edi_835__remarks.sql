with

source as (

    select * from {{ source('edi_835', 'edi_835_remarks') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        file_id || ':' || cast(segment_index as varchar) || ':' || remark_code as remark_id,
        file_id || ':' || cast(claim_segment_index as varchar) as remittance_id,
        case when service_segment_index is not null
            then file_id || ':' || cast(service_segment_index as varchar)
        end as remittance_line_id,

        ---------- codes
        remark_level,
        remark_source,
        remark_qualifier,
        upper(trim(remark_code)) as remark_code,

        ---------- position
        segment_index

    from source

)

select * from renamed
