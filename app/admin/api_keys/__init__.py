"""API keys of the bank's systems: created with the secret shown once, scoped, revoked."""
