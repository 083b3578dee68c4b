"""Synthetic occupational-therapy practices with their answers written down.

``generate(out, seed=..., clients=..., months=..., claims_per_month=...)`` writes, per client,
what a billing company receives from a new client (the inbox layout ingestion reads)::

    <out>/<client_id>/client.yml     practice, billing NPI/TIN, PM system and profile, window
    <out>/<client_id>/837/*.x12      weekly claim batches (originals, replacements, voids,
                                     resends, secondary claims)
    <out>/<client_id>/835/*.x12      one file per payer per payment run
    <out>/<client_id>/pm/*           PM exports in the practice's PM profile (canonical CSV,
                                     visit_billing CSV or charge_detail XLSX; pipelines/pm)
    <out>/<client_id>/truth.json     KPIs and injected leaks from the event model

The window is the ``months`` calendar months ending 2026-10-31 (fixed, never today's date), so
the same arguments always give the same bytes. Each client is simulated on its own random
stream (seeded by ``seed`` and its ordinal), so clients can be generated in parallel.
See ``pipelines/synth/README.md`` for the model.
"""

from __future__ import annotations

from pipelines.synth.generator import GenerationResult, generate

__all__ = ["GenerationResult", "generate"]
