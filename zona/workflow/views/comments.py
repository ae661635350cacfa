"""Placeholder: filled in by the comments workstream."""

urlpatterns: list = []
