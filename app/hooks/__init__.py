"""What providers call back: SMS delivery receipts and replies, WeChat's events.

No staff or customer signs in here: each call is checked as its provider proves itself (a
signature over the body, or an allow-listed address), and answered as the provider expects.
"""
