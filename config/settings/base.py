"""Settings shared by every environment."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "zona.core",
    # Second, where its strings were while they lived in core: for a msgid two catalogues
    # share, the app listed first wins.
    "zona.home",
    "zona.accounts",
    "zona.audit",
    "zona.frameworks",
    "zona.assessments",
    "zona.surveys",
    "zona.notifications",
    "zona.workflow",
    "zona.national",
    "zona.insight",
    "zona.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zona.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "zona.accounts.middleware.MFARequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
# Every Django form renders with Bootstrap markup (zona/core/forms.py).
FORM_RENDERER = "zona.core.forms.ZonaFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zona" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zona.home.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a writer commits; busy timeout waits instead of failing
    # when the background worker and the web process write at the same moment.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login throttling counts attempts in the cache. With several web processes they must share
# it (e.g. DJANGO_CACHE_URL=dbcache://zona_cache after `manage.py createcachetable`, or
# redis://...), or each process would count on its own.
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email or username, no open sign-up (accounts are created by admins).
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "zona.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "zona.accounts.auth_forms.LoginForm"}
# Failed logins: per address, and per account *from that address* (the adapter builds the
# key), so an attacker's guesses never lock the real user out; username and e-mail of one
# account count together.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("ZONA_LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# No "someone asked to reset a password" e-mail to addresses without an account.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Changing the e-mail: the password is asked again (re-authentication), the new address
# replaces the old one only once its owner confirms it, and the old address is told
# (notifications; also on password changes). zona.accounts.signals audits each step.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ZONA_REAUTHENTICATION_SECONDS", default=300)
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# National evaluators, system administrators and Django staff must sign in with TOTP.
# (Reviewers and administrators of an agency must when the agency's switch says so.)
ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES = env.bool(
    "ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES", default=True
)
MFA_TOTP_ISSUER = "Zona"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "zona" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("ZONA_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Evidence is never served from MEDIA_URL; only through authorised views.
MEDIA_URL = "/_media-not-served/"

# S3-compatible evidence storage through django-storages when a bucket is configured.
# Absolute links in e-mails sent outside a request (e.g. the welcome e-mail of new accounts).
ZONA_BASE_URL = env("ZONA_BASE_URL", default="http://127.0.0.1:8000")
ZONA_S3_BUCKET = env("ZONA_S3_BUCKET", default="")
if ZONA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ZONA_S3_BUCKET,
            "endpoint_url": env("ZONA_S3_ENDPOINT_URL", default=None),
            "access_key": env("ZONA_S3_ACCESS_KEY", default=None),
            "secret_key": env("ZONA_S3_SECRET_KEY", default=None),
            "region_name": env("ZONA_S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

ZONA_EVIDENCE_MAX_BYTES = env.int("ZONA_EVIDENCE_MAX_BYTES", default=25 * 1024 * 1024)
# Surveys: no export or results page shows a combination of time, service or respondent
# profile held by fewer responses than this; the profile's bands are data.
ZONA_SURVEY_MIN_GROUP = env.int("ZONA_SURVEY_MIN_GROUP", default=5)
ZONA_SURVEY_PROFILE_FILE = env.path(
    "ZONA_SURVEY_PROFILE_FILE", default=BASE_DIR / "zona" / "surveys" / "data" / "profile.yaml"
)
ZONA_SURVEY_SUGGESTION_MAX_CHARS = env.int("ZONA_SURVEY_SUGGESTION_MAX_CHARS", default=2000)
# Suggestions wait, sealed, until this many of a campaign can be written together (shuffled).
ZONA_SURVEY_SUGGESTION_BATCH = env.int("ZONA_SURVEY_SUGGESTION_BATCH", default=5)
# Surveys, public form limits per network address and per browser (docs/surveys.md): past
# FLAG the responses are flagged as a burst, past REFUSE the form asks to wait. An office or a
# service hall shares one address, so the address limits are wide.
ZONA_SURVEY_NETWORK_WINDOW_SECONDS = env.int("ZONA_SURVEY_NETWORK_WINDOW_SECONDS", default=3600)
ZONA_SURVEY_NETWORK_FLAG_AFTER = env.int("ZONA_SURVEY_NETWORK_FLAG_AFTER", default=120)
ZONA_SURVEY_NETWORK_REFUSE_AFTER = env.int("ZONA_SURVEY_NETWORK_REFUSE_AFTER", default=600)
ZONA_SURVEY_DEVICE_WINDOW_SECONDS = env.int("ZONA_SURVEY_DEVICE_WINDOW_SECONDS", default=3600)
ZONA_SURVEY_DEVICE_FLAG_AFTER = env.int("ZONA_SURVEY_DEVICE_FLAG_AFTER", default=3)
ZONA_SURVEY_DEVICE_REFUSE_AFTER = env.int("ZONA_SURVEY_DEVICE_REFUSE_AFTER", default=60)
# A kiosk takes one response per this many seconds (measured by the server); sooner ones are
# refused and the tablet sends them again later. Past FLAG an hour, responses are flagged.
ZONA_SURVEY_KIOSK_MIN_INTERVAL_SECONDS = env.int(
    "ZONA_SURVEY_KIOSK_MIN_INTERVAL_SECONDS", default=45
)
ZONA_SURVEY_KIOSK_FLAG_AFTER = env.int("ZONA_SURVEY_KIOSK_FLAG_AFTER", default=30)
# The same answers from this many responses of a campaign within an hour are flagged.
ZONA_SURVEY_REPEAT_FLAG_AFTER = env.int("ZONA_SURVEY_REPEAT_FLAG_AFTER", default=3)
# Contacts left for verification are written by the worker in shuffled batches of this size.
ZONA_SURVEY_CONTACT_BATCH = env.int("ZONA_SURVEY_CONTACT_BATCH", default=5)
# ... by a worker task that runs on its own clock, this many seconds apart.
ZONA_SURVEY_CONTACT_FLUSH_SECONDS = env.int("ZONA_SURVEY_CONTACT_FLUSH_SECONDS", default=300)
# A validation draw takes at most this share of the contact pool and this many contacts.
ZONA_SURVEY_DRAW_MAX_SHARE = env.float("ZONA_SURVEY_DRAW_MAX_SHARE", default=0.25)
ZONA_SURVEY_DRAW_MAX = env.int("ZONA_SURVEY_DRAW_MAX", default=100)
# Uploaded workbooks (LKE import, unit/user imports): checked before parsing, then streamed.
ZONA_IMPORT_MAX_BYTES = env.int("ZONA_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
ZONA_IMPORT_MAX_UNZIPPED_BYTES = env.int("ZONA_IMPORT_MAX_UNZIPPED_BYTES", default=40 * 1024 * 1024)
ZONA_IMPORT_MAX_ROWS = env.int("ZONA_IMPORT_MAX_ROWS", default=20_000)
ZONA_IMPORT_MAX_COLUMNS = env.int("ZONA_IMPORT_MAX_COLUMNS", default=100)
ZONA_IMPORT_MAX_CELLS = env.int("ZONA_IMPORT_MAX_CELLS", default=400_000)
# An LKE import file larger than this is applied by the background worker, with progress.
ZONA_IMPORT_BACKGROUND_BYTES = env.int("ZONA_IMPORT_BACKGROUND_BYTES", default=64 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 200

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Zona <noreply@zona.local>")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zona.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "zona.core.api.params.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
}
# The largest `limit` an API list accepts; a larger one is refused with a 400.
ZONA_API_MAX_LIMIT = env.int("ZONA_API_MAX_LIMIT", default=1000)
SPECTACULAR_SETTINGS = {
    "TITLE": "Zona API",
    "DESCRIPTION": "Zona Integritas: self-assessment, surveys, review and predicates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI files come from the sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets shared by several serializers under one field name ("status", "kind" ...)
    # get one clear enum name each, instead of a hash suffix (Status44eEnum). A serializer's
    # ChoiceField(choices=X.values) lists values without labels: another choice set than
    # the model field's X, hence the ".values" entries. zona/core/tests/test_openapi_clean.py
    # fails on any new collision.
    "ENUM_NAME_OVERRIDES": {
        "AssistanceStatusEnum": "zona.workflow.models.desk.AssistanceStatus",
        "CommentKindEnum": "zona.workflow.models.comments.CommentKind",
        "EvidenceVerdictEnum": "zona.workflow.models.comments.EvidenceVerdict",
        "PredicateTargetEnum": "zona.assessments.models.Target",
        "PredicateTargetCodeEnum": "zona.assessments.models.Target.values",
        "ReportVerdictEnum": "zona.workflow.models.desk.ReportVerdict",
        "TpiGateKindEnum": "zona.workflow.models.tpi.GateKind",
        "TpiPanelStatusEnum": "zona.workflow.models.tpi.PanelStatus",
    },
}

# Content security policy: everything is served from our own origin (no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'"],
        # Attributes such as a progress bar's width are harmless; <style> elements stay blocked.
        "style-src-attr": ["'unsafe-inline'"],
        "style-src-elem": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO; keep only their warnings.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Notifications (docs/deploy.md): e-mail retries, stuck mails, the daily run (digests and
# reminders) and the days before a window closes when a reminder goes out.
ZONA_NOTIFY_MAX_ATTEMPTS = env.int("ZONA_NOTIFY_MAX_ATTEMPTS", default=5)
ZONA_NOTIFY_RETRY_SECONDS = env.int("ZONA_NOTIFY_RETRY_SECONDS", default=60)
ZONA_NOTIFY_STUCK_MINUTES = env.int("ZONA_NOTIFY_STUCK_MINUTES", default=30)
ZONA_NOTIFY_DAILY_HOUR = env.int("ZONA_NOTIFY_DAILY_HOUR", default=6)
ZONA_REMINDER_DAYS = env.list("ZONA_REMINDER_DAYS", cast=int, default=[7, 3, 1])
ZONA_REMINDER_OVERDUE_EVERY_DAYS = env.int("ZONA_REMINDER_OVERDUE_EVERY_DAYS", default=0)
# Surveys: how often the worker folds new responses into the running totals (docs/surveys.md).
ZONA_SURVEY_TALLY_FOLD_SECONDS = env.int("ZONA_SURVEY_TALLY_FOLD_SECONDS", default=10)
# Background exports (docs/deploy.md): how long a finished file is kept, rows per chunk.
ZONA_EXPORT_KEEP_DAYS = env.int("ZONA_EXPORT_KEEP_DAYS", default=7)
ZONA_EXPORT_CHUNK_SIZE = env.int("ZONA_EXPORT_CHUNK_SIZE", default=1000)
