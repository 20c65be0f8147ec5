"""Use cases, one package per stage of the loop: each takes a session and plain values,
flushes, and lets its caller commit."""
