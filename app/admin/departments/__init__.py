"""Departments as admins keep them: names, head, notifications, and retiring one."""
