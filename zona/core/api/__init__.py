"""API plumbing shared by every app. `zona.core.api.exception_handler` is DRF's handler."""

from zona.core.api.errors import error_body, exception_handler

__all__ = ["error_body", "exception_handler"]
