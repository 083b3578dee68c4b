with

source as (

    select * from {{ source('edi_837', 'edi_837_service_lines') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index') }} as claim_line_submission_id,
        {{ position_key('file_number', 'claim_segment_index') }} as claim_submission_id,
        line_number as claim_line_number,
        line_item_control_number,

        ---------- codes
        procedure_code_qualifier,
        procedure_code as hcpcs_code,
        modifier_1 as hcpcs_modifier_1,
        modifier_2 as hcpcs_modifier_2,
        modifier_3 as hcpcs_modifier_3,
        modifier_4 as hcpcs_modifier_4,
        revenue_code as revenue_center_code,
        place_of_service_code,
        rendering_provider_npi,

        ---------- numerics
        line_charge_amount as charge_amount,
        service_unit_count,
        unit_basis_code,

        ---------- dates
        service_date,
        coalesce(service_end_date, service_date) as service_end_date

    from numbered

)

select * from renamed
