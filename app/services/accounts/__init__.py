"""Accounts: staff users, API keys, sign-in with its limits, and password reset."""
