"""Placeholder: the package part adds its models here."""

__all__: list[str] = []
