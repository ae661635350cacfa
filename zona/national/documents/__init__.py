"""Generated documents of the national stage (the proposal package)."""
