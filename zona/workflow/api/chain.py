"""Placeholder: filled in by the chain workstream."""

urlpatterns: list = []
