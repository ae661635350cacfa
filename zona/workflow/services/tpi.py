"""Placeholder: filled in by the tpi workstream."""
