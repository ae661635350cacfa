"""Placeholder: filled in by the koefisien workstream."""

urlpatterns: list = []
