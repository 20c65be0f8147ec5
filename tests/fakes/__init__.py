"""Providers' servers faked on loopback, speaking their real request and callback formats."""
