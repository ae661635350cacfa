"""Placeholder: the declaration part adds its models here."""

__all__: list[str] = []
