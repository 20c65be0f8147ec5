"""The database toolkit: portable SQL, engine tuning for SQLite and PostgreSQL, row claims."""
