"""Placeholder: filled in by the desk workstream."""
