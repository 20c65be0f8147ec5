"""Touchloop: the closed feedback loop of a bank. `app.factory.create_app` builds the web app."""
