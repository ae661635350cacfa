"""Plain dicts for the workflow's templates (the review page), built without further queries."""
