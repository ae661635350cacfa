"""Settings for the test suite."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "zona-test-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Fast hashing in tests; production keeps argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env.path("ZONA_MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# The personas sign in without TOTP; tests of the MFA policy turn this on themselves.
ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The live server serves static files itself; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: threads in the concurrency tests then wait for each other's
    # writes as they would in production, instead of failing on shared-cache locks.
    # One file per test process, so two test runs in the same checkout never share one.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    }
