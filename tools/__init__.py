"""Developer tools run from the repository root (`uv run python -m tools.<name>`); never
imported by `shared/` or a service."""
