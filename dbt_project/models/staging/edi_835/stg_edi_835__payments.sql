with

source as (

    select * from {{ source('edi_835', 'edi_835_payments') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index') }} as payment_id,
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

    from numbered

)

select * from renamed
