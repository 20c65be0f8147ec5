"""The clients of the services that carry messages beyond e-mail: SMS platforms and WeChat.

Each turns an outbox message into the provider's request and its answer into the outbox's terms:
the provider's message id when taken, TemporaryDeliveryError when trying again can help,
PermanentDeliveryError when it cannot.
"""
