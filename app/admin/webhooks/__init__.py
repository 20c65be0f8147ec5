"""Webhook endpoints: where the bank's systems hear of cases and responses, and their answers."""
