"""Use cases: each takes a session and plain values, flushes, and lets its caller commit."""
