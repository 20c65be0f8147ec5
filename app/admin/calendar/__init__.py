"""The business calendar: working days and hours, holidays and make-up working days by year."""
