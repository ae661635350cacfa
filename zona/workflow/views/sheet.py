"""Placeholder: filled in by the sheet workstream."""

urlpatterns: list = []
