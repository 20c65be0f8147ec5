"""Touchpoints as admins keep them: the moments a bank system reports and a survey follows."""
