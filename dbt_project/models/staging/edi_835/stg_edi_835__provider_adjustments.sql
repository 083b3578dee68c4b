with

source as (

    select * from {{ source('edi_835', 'edi_835_provider_adjustments') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        file_id || ':' || cast(segment_index as varchar) || ':'
            || cast(pair_number as varchar) as provider_adjustment_id,
        file_id || ':' || cast(payment_segment_index as varchar) as payment_id,
        provider_id,
        reference_id,

        ---------- codes
        upper(trim(adjustment_reason_code)) as adjustment_reason_code,

        ---------- numerics
        adjustment_amount,

        ---------- dates
        fiscal_period_date

    from source

)

select * from renamed
