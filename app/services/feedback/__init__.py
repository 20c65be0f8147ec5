"""Feedback: survey versions, the customer's answers and the follow-up that closes the loop."""
