"""Staff accounts as admins keep them: invite, role, department, language, deactivation."""
