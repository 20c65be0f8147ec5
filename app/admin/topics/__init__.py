"""The topic taxonomy as admins keep it: names and keywords in both languages, and re-reading."""
