"""Commands for evidence (filled in by its issue)."""
