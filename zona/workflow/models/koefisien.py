"""Placeholder: filled in by its workstream."""

__all__: list[str] = []
