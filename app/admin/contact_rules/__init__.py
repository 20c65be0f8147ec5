"""Contact rules: how often a customer may be asked, by segment, and the quiet hours."""
