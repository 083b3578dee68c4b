"""Helpers for the revaudit dashboard: warehouse access, queries, formatting, definitions."""
