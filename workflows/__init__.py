"""The pure rules of the loop: contact rules, routing rules, case transitions, SLA, escalation.

Plain values in, plain values out; nothing here imports Flask, SQLAlchemy or `app`.
"""
