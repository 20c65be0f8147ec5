"""The CX managers' dashboard: closed-loop figures, scores, voice of the customer, exports."""
