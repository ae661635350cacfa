"""Placeholder: the monitoring part adds its models here."""

__all__: list[str] = []
