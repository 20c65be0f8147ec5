"""Channels: how invitations reach customers by SMS and WeChat, and whether each is ready."""
