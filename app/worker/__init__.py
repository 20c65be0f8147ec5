"""The worker at the edge: thin jobs over the services, the clock that runs them, its commands."""
