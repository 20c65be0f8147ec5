"""What people changed, and when: the audit log, filtered, and each object's history."""
