"""Placeholder: filled in by the planner workstream."""

urlpatterns: list = []
