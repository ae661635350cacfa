"""Developer and demo settings: `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="zona-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# runserver serves static files itself; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# The demo personas (`load_demo`) sign in without TOTP; production requires it of national
# roles and staff. Set ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES=true to try the rule locally.
ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES = env.bool(
    "ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES", default=False
)
