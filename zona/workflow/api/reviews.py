"""Placeholder: filled in by the reviews workstream."""

urlpatterns: list = []
