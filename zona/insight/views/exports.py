"""Placeholder: filled in by the exports workstream."""

urlpatterns: list = []
