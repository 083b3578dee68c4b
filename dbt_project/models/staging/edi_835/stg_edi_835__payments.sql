with

source as (

    select * from {{ source('edi_835', 'edi_835_payments') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        file_id || ':' || cast(segment_index as varchar) as payment_id,
        check_or_eft_number,
        payer_trace_id,
        nullif(trim(payer_id), '') as payer_id,
        payer_name,
        payee_id_qualifier,
        payee_id,

        ---------- codes
        transaction_handling_code,
        payment_method_code,
        credit_debit_flag,

        ---------- numerics
        total_payment_amount,
        claim_payment_count,

        ---------- dates
        payment_date,
        production_date

    from source

)

select * from renamed
