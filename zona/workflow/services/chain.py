"""Placeholder: filled in by the chain workstream."""
