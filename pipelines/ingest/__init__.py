"""Getting files into the warehouse: inbox discovery, the ingest ledger, pseudonyms, loading."""
