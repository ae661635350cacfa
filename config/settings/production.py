"""Production settings: refuses to start without a secret key and allowed hosts.

Everything comes from the environment (docs/deploy.md lists each variable): PostgreSQL
(DATABASE_URL), the shared Redis cache (ZONA_REDIS_URL), S3 storage (ZONA_S3_*), JSON logs.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, STORAGES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names Zona is served on.")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Zona runs behind this many reverse proxies (the one that sets X-Forwarded-Proto). The login
# throttle counts per client address: behind a proxy REMOTE_ADDR would be the proxy's, for
# everyone; allauth then takes the client's address from X-Forwarded-For instead.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ZONA_TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"
STATIC_ROOT = env.path("ZONA_STATIC_ROOT", default=STATIC_ROOT)  # noqa: F405
# Hashed names (cached for a year by browsers), compressed once at collectstatic so
# WhiteNoise sends gzip/brotli without work per request. Compressing takes minutes on a small
# machine; a throw-away stack (make prod-check) turns it off.
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if env.bool("ZONA_STATIC_COMPRESS", default=True)
    else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}

# Health checks come from the proxy or a monitor on plain HTTP; they must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Persistent database connections: one per web thread or worker, reused between requests.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# Behind PgBouncer in transaction mode a cursor cannot outlive its transaction (scaling.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(  # noqa: F405
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)

# One cache for every web process and worker: login throttles, the public survey limits
# (zona.surveys.throttle) and the compiled-framework cache count once, not once per process.
ZONA_REDIS_URL = env("ZONA_REDIS_URL", default="")
if ZONA_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ZONA_REDIS_URL,
            "KEY_PREFIX": env("ZONA_CACHE_PREFIX", default="zona"),
        }
    }
    # Sessions in Redis, written through to the database: a Redis restart signs no one out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

MIDDLEWARE = ["zona.ops.requestid.RequestIdMiddleware", *MIDDLEWARE]

# One JSON object per line on stderr (journald keeps it), each with the request id.
if env.bool("ZONA_LOG_JSON", default=True):
    LOGGING = {
        **LOGGING,
        "filters": {"request_id": {"()": "zona.ops.requestid.RequestIdFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
    }

# A PostgreSQL read replica for pages that read a lot (docs/scaling.md): GET requests under
# ZONA_REPLICA_PATHS, and code inside zona.core.db_router.replica_reads(), read it, except in
# a transaction, after writing the same model, and sessions (zona/core/db_router.py).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")  # noqa: F405
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]  # noqa: F405
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"][  # noqa: F405
        "DISABLE_SERVER_SIDE_CURSORS"
    ]
    DATABASE_ROUTERS = ["zona.core.db_router.ReplicaRouter"]
    # Regular expressions over the path: the insight dashboards and the national view and its
    # download, survey results and exports, the audit log.
    ZONA_REPLICA_PATHS = env.list(
        "ZONA_REPLICA_PATHS",
        default=[
            r"^/assessments/\d+/dashboard/",
            r"^/agencies/\d+/dashboard/",
            r"^/national/(export\.xlsx)?$",
            r"^/surveys/\d+/(results|export)/",
            r"^/audit/",
        ],
    )
    MIDDLEWARE = [*MIDDLEWARE, "zona.core.db_router.ReplicaPathsMiddleware"]
