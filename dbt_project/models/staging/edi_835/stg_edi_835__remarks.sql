with

source as (

    select * from {{ source('edi_835', 'edi_835_remarks') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index') }} || ':' || remark_code as remark_id,
        {{ position_key('file_number', 'claim_segment_index') }} as remittance_id,
        case when service_segment_index is not null
            then {{ position_key('file_number', 'service_segment_index') }}
        end as remittance_line_id,

        ---------- codes
        remark_level,
        remark_source,
        remark_qualifier,
        upper(trim(remark_code)) as remark_code,

        ---------- position
        segment_index

    from numbered

)

select * from renamed
