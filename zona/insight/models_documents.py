"""The documents' records (LHE, SKM follow-up plan): placeholder for the documents part."""

__all__: list[str] = []
