"""The first visit: a bank with no admin yet is set up here, behind a one-time code."""
