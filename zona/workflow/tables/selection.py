"""Placeholder: filled in by the selection workstream."""
