"""Intake and distribution: events in, invitations planned and sent through the outbox."""
