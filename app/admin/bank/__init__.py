"""The bank's profile: its name, logo, colour, time zone and languages."""
