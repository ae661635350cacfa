"""Placeholder: filled in by the tpi workstream."""

urlpatterns: list = []
