"""Pages of the assessments app: thin views over services, selectors and presenters."""
