"""Governance: the hash-chained audit log, privacy (retention, erasure, export) and edits."""
