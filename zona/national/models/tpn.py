"""Placeholder: the tpn part adds its models here."""

__all__: list[str] = []
