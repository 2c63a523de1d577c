"""Django settings for envbureau. Everything an operator changes comes from environment variables."""

import datetime as dt
import json
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ENVBUREAU_DATA_DIR", Path.cwd() / "data")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    # Never in the repo: take it from the environment, else generate once into the data folder.
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "envbureau.core",
    "envbureau.quality",
    "envbureau.sources",
    "envbureau.ledger",
    "envbureau.complaints",
    "envbureau.enforcement",
    "envbureau.reports",
    "envbureau.projects",
    "envbureau.waste",
    "envbureau.soil",
    "envbureau.portal",
    "envbureau.approvals",
]

MIDDLEWARE = [
    "envbureau.core.middleware.FreezeLongLivedMiddleware",  # outermost: runs once, after the first response
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "envbureau.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "envbureau.core.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "envbureau.core.middleware.AuditContextMiddleware",
    "envbureau.core.params.BadParameterMiddleware",
]

ROOT_URLCONF = "envbureau.urls"
WSGI_APPLICATION = "envbureau.wsgi.application"

FORM_RENDERER = "envbureau.core.form_renderer.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "envbureau.core.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'envbureau.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout keep the embedded default usable with a web server and a gateway at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sign-in lockout (login page, admin site, API token): an account is locked for one client address
# after LOGIN_MAX_FAILURES failures, and for every address after LOGIN_ACCOUNT_MAX_FAILURES failures
# in all; a lock ends LOGIN_LOCKOUT_SECONDS after the last counted failure.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_ACCOUNT_MAX_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_MAX_FAILURES", "50"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); empty =
# the connecting address is the client. Used by the lockout, the public throttles and the audit log.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Every language writes dates "2025-05-07" and times "2025-05-07 02:37" (envbureau/formats, core.timefmt).
FORMAT_MODULE_PATH = ["envbureau.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ENVBUREAU_STATIC_ROOT", DATA_DIR / "static"))
try:  # WhiteNoise warns on every start when the folder is missing (before the first collectstatic)
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders when collectstatic has not run (tests, development).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Uploads above 1 MB are spooled to a temporary file, not held in the worker's memory (imports stream them).
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

SESSION_COOKIE_SECURE = not DEBUG and _env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "envbureau"}}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "envbureau@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request then gets 401 with a WWW-Authenticate header.
        "envbureau.core.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "envbureau.core.drf.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "envbureau.core.drf.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_form": os.environ.get("PUBLIC_FORM_RATE", "10/hour"),
        # Complaint status and Open311 token lookups by code, per client address (core.throttling).
        "public_lookup": os.environ.get("PUBLIC_LOOKUP_RATE", "30/min"),
    },
}
# API tokens (knox): only their digest is stored; a password change deletes the user's tokens.
_token_hours = int(os.environ.get("API_TOKEN_TTL_HOURS", "720"))
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": dt.timedelta(hours=_token_hours) if _token_hours > 0 else None,  # 0 = tokens never expire
}
SPECTACULAR_SETTINGS = {
    "TITLE": "envbureau API",
    "DESCRIPTION": "生态环境局数字环保平台 REST API / REST API of the envbureau platform",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI would otherwise ask validator.swagger.io to check the schema: nothing leaves the intranet.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


def _env_int(name, default):
    return int(os.environ.get(name, default))


# Plausibility of raw air values (JSON overriding quality/plausibility.py defaults), e.g.
# {"co": {"error_above": 60, "flag_above": 10}, "pm25_above_pm10": "flag"}
# Decimals of rates (办结率, 完成率, 销号率) on ledger/complaint statistics; one report can ask for more (?decimals=2).
REPORT_RATE_DECIMALS = int(os.environ.get("REPORT_RATE_DECIMALS", "1"))
QUALITY_PLAUSIBILITY = json.loads(os.environ.get("QUALITY_PLAUSIBILITY") or "{}")


ENVBUREAU = {
    # Data folder for the SQLite file, uploads, the online-monitoring store and generated files.
    "DATA_DIR": DATA_DIR,
    # Upload caps of the import pages and `importfile` (README "Upload caps"): per import kind over
    # "default"; max_bytes = size of the uploaded file, max_rows = data rows; max_unpacked_bytes bounds
    # what an .xlsx (a zip) may expand to.
    "IMPORT_LIMITS": {
        "default": {"max_bytes": _env_int("IMPORT_MAX_MB", 20) << 20, "max_rows": _env_int("IMPORT_MAX_ROWS", 50_000),
                    "max_unpacked_bytes": 400 << 20},
        "quality.airhourly": {"max_bytes": _env_int("IMPORT_AIR_MAX_MB", 50) << 20,
                              "max_rows": _env_int("IMPORT_AIR_MAX_ROWS", 300_000)},
        # A year of a city's manifests from the provincial solid-waste system.
        "waste.manifest": {"max_bytes": _env_int("IMPORT_WASTE_MAX_MB", 60) << 20,
                           "max_rows": _env_int("IMPORT_WASTE_MAX_ROWS", 200_000)},
    },
    # Files a closed-loop step carries (evidence of a ledger rectification, a case's materials...): at most this
    # many an action, each at most this size (core.workflow.check_files; README "Upload caps").
    "STEP_FILES_MAX": _env_int("STEP_FILES_MAX", 10),
    "STEP_FILE_MAX_BYTES": _env_int("STEP_FILE_MAX_MB", 20) << 20,
    # Uploads larger than this are validated (and committed) in the background, not in the request.
    "IMPORT_BACKGROUND_BYTES": 1 << 20,
    "IMPORT_MAX_ERRORS": 10_000,
    "CITY_CODE": os.environ.get("ENVBUREAU_CITY_CODE", "110000"),
    # Scheduled jobs run by `envbureau runjobs` (started by `make run`): (management command, interval in seconds).
    "JOBS": [
        ("check_alarms", 300),        # online monitoring: data absence, flat lines
        ("scan_warnings", 900),       # environmental quality: station data stop / flat line
        ("ledger_reminders", 3600),   # problem ledger: near and past deadline
        ("complaints_overdue", 3600),  # complaints: overdue flags and reminders
        ("documents_pdf", 900),       # issued documents: PDFs whose conversion failed when issued
        ("task_reminders", 3600),     # every workflow's open tasks: before due and overdue
        ("deadline_lapses", 3600),    # limits let run out: their legal effect (e.g. deemed acceptance)
        ("notification_digest", 86400),  # daily e-mail digest of unread notifications
        ("reports_schedule", 3600),   # reports: bulletins due by the schedule (monthly air on the 5th)
        ("projects_monthly", 86400),  # projects: open last month's progress-report tasks of projects under way
        ("waste_scan", 3600),         # hazardous waste: storage, capacity, licence expiry, declarations owed
        ("enforcement_autopublish", 86400),  # inspection results and final penalty decisions published on time
        ("soil_duties", 86400),       # soil: the year's duties of key supervised units
        ("permits_daily", 86400),     # discharge permits: expiry, this year's execution reports
        ("incidents_watch", 300),     # incidents: initial report (初报) past its hour limit
        ("measures_watch", 300),      # seizures taken on the spot: the head's approval past its 24-hour limit
    ],
    # Days before a task's due date on which its actors are reminded (0 = on the day).
    "REMINDER_LEAD_DAYS": [int(d) for d in os.environ.get("REMINDER_LEAD_DAYS", "3,1").split(",") if d.strip()],
    # Scheduled reports (envbureau reports_schedule): type, period kind, day of the month it is due, levels.
    "REPORT_SCHEDULE": [("air_bulletin", "month", 5, ("city", "district"))],
    # Issued documents: LibreOffice binary (default: soffice on PATH) and the conversion time limit in seconds.
    "SOFFICE": os.environ.get("ENVBUREAU_SOFFICE", ""),
    "DOCUMENT_PDF_TIMEOUT": int(os.environ.get("ENVBUREAU_DOCUMENT_PDF_TIMEOUT", "60")),
    # One long-lived LibreOffice per process converts (under a second a document instead of seconds for a fresh
    # soffice); driven over UNO by a Python that has LibreOffice's `uno` module (Debian: /usr/bin/python3 with
    # python3-uno; found by itself unless ENVBUREAU_UNO_PYTHON names one). 0 = always a fresh soffice.
    "DOCUMENT_PDF_LISTENER": os.environ.get("ENVBUREAU_DOCUMENT_PDF_LISTENER", "1") != "0",
    "UNO_PYTHON": os.environ.get("ENVBUREAU_UNO_PYTHON"),
    # Maps: the bureau's own intranet tile server drawn under the district boundaries (e.g. its 天地图 service):
    # "url" is a template with {z}, {x} and {y} (Web Mercator, XYZ), "attribution" the text shown on the map,
    # "max_zoom" the deepest level the server has. Empty url (the default): boundaries only, nothing fetched.
    "MAP_TILES": {"url": os.environ.get("ENVBUREAU_MAP_TILES", ""),
                  "attribution": os.environ.get("ENVBUREAU_MAP_TILES_ATTRIBUTION", ""),
                  "max_zoom": _env_int("ENVBUREAU_MAP_TILES_MAX_ZOOM", 18)},
}
