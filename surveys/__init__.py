"""The pure survey domain: definitions, scoring and link tokens. No Flask, no database."""
