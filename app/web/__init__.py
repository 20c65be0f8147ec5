"""What every page and API answer shares: sessions, headers, forms, language, availability."""
