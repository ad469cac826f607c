"""Commands for linking (filled in by its issue)."""
