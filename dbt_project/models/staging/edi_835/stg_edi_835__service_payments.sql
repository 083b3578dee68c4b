with

source as (

    select * from {{ source('edi_835', 'edi_835_service_payments') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index') }} as remittance_line_id,
        {{ position_key('file_number', 'claim_segment_index') }} as remittance_id,
        line_item_control_number,

        ---------- codes
        procedure_code as hcpcs_code,
        modifier_1 as hcpcs_modifier_1,
        modifier_2 as hcpcs_modifier_2,
        modifier_3 as hcpcs_modifier_3,
        modifier_4 as hcpcs_modifier_4,
        original_procedure_code,

        ---------- numerics
        line_charge_amount as charge_amount,
        line_payment_amount as paid_amount,
        allowed_amount,
        paid_unit_count,
        original_unit_count,

        ---------- dates
        service_date,

        ---------- position
        segment_index

    from numbered

)

select * from renamed
