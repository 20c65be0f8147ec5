"""Improvement actions: the outer loop's pages (app/services/cases/improvement.py)."""
