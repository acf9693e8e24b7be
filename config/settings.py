"""Settings: every value comes from the environment, with embedded defaults (see .env.example).

With nothing set, the system runs on SQLite with in-process scans; DATABASE_URL selects
PostgreSQL and CELERY_BROKER_URL selects Redis and real Celery workers.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# Production is the default: development mode (debug pages, the public development key,
# the test client's host name) is switched on explicitly by `make demo`, the tests
# (config/testing.py) and the benchmarks, with DEBUG=true.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (or DEBUG=true for development on this machine only)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

_LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", _LOCAL_HOSTS + ["testserver"] if DEBUG else _LOCAL_HOSTS)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # the API documentation page's static files (no CDN)
    "measurement",
    "dashboard",
    "accounts",
    "alerts",
    "axes",  # login throttling (django-axes); listed last, as its documentation asks
]

MIDDLEWARE = [
    "dashboard.middleware.PageCacheMiddleware",  # first: it sees every cookie set below
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dashboard.language.PathLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dashboard.middleware.ApiHeadersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dashboard.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out login with its own page
]

if not DEBUG:
    # Static files from our own origin in production; runserver serves them under DEBUG.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
# The admin's path (not the well-known /admin/ that every scanner of the internet tries).
ADMIN_PATH = env_str("ADMIN_PATH", "admin/").strip("/") + "/"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    # Tests on a file, as the embedded mode runs: Django's default in-memory test database
    # shares one cache between threads, and there a second writer fails at once ("table
    # is locked") instead of waiting its turn as it does on a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts (accounts/): Django's own authentication, throttled by django-axes, which
# counts failed logins per address and per user name in the database (docs/accounts.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "dashboard:overview"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("LOGIN_COOLOFF_HOURS", 0.25)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0)  # reverse proxies in front of web
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_SECONDS", 3 * 24 * 3600)

# E-mail (password resets, invitations, alerts). The embedded default prints mail on the
# console (`make demo`); set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS (port 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mailbeveiliging overheid <noreply@localhost>")
# Links in e-mail (alerts, invitations) start with this address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALERT_EXPIRY_DAYS = env_int("ALERT_EXPIRY_DAYS", 21)  # a certificate this close to expiry

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL"),
    }
    if env_str("CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers. HTTPS-only settings switch on with DEBUG off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Open data records (DCAT-AP-NL) of the measurement rounds: docs/api.md.
OPEN_DATA_LICENCE = env_str("OPEN_DATA_LICENCE", "CC0-1.0")
if OPEN_DATA_LICENCE not in ("CC0-1.0", "CC-BY-4.0"):
    raise ImproperlyConfigured("OPEN_DATA_LICENCE must be CC0-1.0 or CC-BY-4.0.")
OPEN_DATA_PUBLISHER_NAME = env_str("OPEN_DATA_PUBLISHER_NAME", "Forum Standaardisatie")
OPEN_DATA_PUBLISHER_URI = env_str(
    "OPEN_DATA_PUBLISHER_URI", "https://identifier.overheid.nl/tooi/id/ministerie/mnre1034"
)
OPEN_DATA_CONTACT_EMAIL = env_str("OPEN_DATA_CONTACT_EMAIL", "info@forumstandaardisatie.nl")

# Celery. No broker: scans run in-process (one asyncio event loop), the embedded default.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 840)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
SCAN_SCHEDULE_CRON = env_str("SCAN_SCHEDULE_CRON", "0 3 * * 1")  # weekly, Monday 03:00
# The government's own mail providers by MX host pattern, before the big platforms of
# dashboard/mailproviders.py: "SSC-ICT=*.example.nl mx.example.nl;DICTU=*.example.org".
MAIL_PROVIDER_PATTERNS = env_str("MAIL_PROVIDER_PATTERNS", "")

# Scanner. See docs/scanner.md for what each does.
SCANNER_RESOLVER = env_str("SCANNER_RESOLVER", "127.0.0.1")
SCANNER_RESOLVER_PORT = env_int("SCANNER_RESOLVER_PORT", 53)
SCANNER_EHLO_NAME = env_str("SCANNER_EHLO_NAME", "mailbeveiliging.example.nl")
SCANNER_SOURCE_ADDRESS = env_str("SCANNER_SOURCE_ADDRESS")
SCANNER_INFO_URL = env_str("SCANNER_INFO_URL", "https://mailbeveiliging.example.nl/scanner")
SCANNER_LAB_MODE = env_bool("SCANNER_LAB_MODE", False)
SCANNER_TRUST_STORE = env_str("SCANNER_TRUST_STORE")  # PEM file; empty means the system's
SCANNER_SMTP_PORT = env_int("SCANNER_SMTP_PORT", 25)
SCANNER_HTTPS_PORT = env_int("SCANNER_HTTPS_PORT", 443)
SCANNER_GREETING_TIMEOUT = env_float("SCANNER_GREETING_TIMEOUT", 30.0)
SCANNER_COMMAND_TIMEOUT = env_float("SCANNER_COMMAND_TIMEOUT", 10.0)
SCANNER_PROBE_TIMEOUT = env_float("SCANNER_PROBE_TIMEOUT", 90.0)  # one whole SMTP attempt
SCANNER_CONCURRENCY = env_int("SCANNER_CONCURRENCY", 500)
SCANNER_ADDRESS_GAP = env_float("SCANNER_ADDRESS_GAP", 1.0)
SCANNER_RETRY_DELAY = env_float("SCANNER_RETRY_DELAY", 30.0)
# A distributed scan's unjudged domains are split into this many streaming tasks per
# round (resolve, probe, judge and store in one go): one per worker process is fastest,
# as each task overlaps its own time-outs with its other domains' work.
SCANNER_STREAM_BATCHES = env_int("SCANNER_STREAM_BATCHES", 2)
# ... and into more when a stream would get more domains than this: each stream must end
# well within CELERY_TASK_TIME_LIMIT (at a few hundred domains a second per worker), and
# a worker's memory follows the domains of its stream.
SCANNER_STREAM_MAX_DOMAINS = env_int("SCANNER_STREAM_MAX_DOMAINS", 50_000)
# Scans and worker batches of at least this many domains observe in a child process
# (a second core; a worker forks it).
SCANNER_PROCESS_MIN_DOMAINS = env_int("SCANNER_PROCESS_MIN_DOMAINS", 1000)
# A stream's claim on a (host, address) lapses after this long (a worker that vanished).
SCANNER_PROBE_LEASE = env_int("SCANNER_PROBE_LEASE", CELERY_TASK_TIME_LIMIT + 60)
# The watchdog re-drives running scans whose last batch finished longer ago than this.
SCAN_WATCHDOG_SECONDS = env_int("SCAN_WATCHDOG_SECONDS", 300)
SCAN_STALL_SECONDS = env_int("SCAN_STALL_SECONDS", CELERY_TASK_TIME_LIMIT + 300)
# A stream that ends with domains of its scan unjudged checks after this long whether the
# scan still stores anything, and else starts its next round itself (its round's other
# streams or callback lost with Redis): longer than the quietest stretch of a live scan,
# its last domains waiting for silent servers (two greeting time-outs and a retry).
SCAN_RESUME_SECONDS = env_int("SCAN_RESUME_SECONDS", 120)
SCANNER_RETEST_PER_ORGANISATION_SECONDS = env_int("SCANNER_RETEST_PER_ORGANISATION_SECONDS", 600)
SCANNER_RETEST_PER_HOUR = env_int("SCANNER_RETEST_PER_HOUR", 60)
# The weekly (and manual full) scans assess the TLS quality (NCSC) of an MX address at
# most once in this many days, reusing the last assessment otherwise; rounds and
# re-tests always assess (measurement/scan/tls_quality.py).
SCANNER_TLS_QUALITY_PERIOD_DAYS = env_int("SCANNER_TLS_QUALITY_PERIOD_DAYS", 30)
# One address's assessment stops after this long (a server that delays every greeting
# costs that on each connection); keep it well under CELERY_TASK_SOFT_TIME_LIMIT.
SCANNER_TLS_QUALITY_SECONDS = env_float("SCANNER_TLS_QUALITY_SECONDS", 300.0)
# Which reading of STARTTLS the dashboard's figures show: "default" (today's), or
# "internetnl" (STARTTLS passes only with a TLS configuration that passes TLS (NCSC)).
# Every scan stores the figures of both (measurement/evaluate/readings.py).
METHODOLOGY_READING = env_str("METHODOLOGY_READING", "default")
if METHODOLOGY_READING not in ("default", "internetnl"):
    raise ImproperlyConfigured("METHODOLOGY_READING must be default or internetnl")

# Register imports: a file or download larger than this is refused (today's exportOO.xml
# is some tens of MB).
IMPORT_MAX_MEGABYTES = env_int("IMPORT_MAX_MEGABYTES", 1024)
# The scheduled exportRIO.xml import (skips and reports bad rows); empty cron: none.
RIO_IMPORT_URL = env_str("RIO_IMPORT_URL", "https://organisaties.overheid.nl/archive/exportRIO.xml")
RIO_IMPORT_CRON = env_str("RIO_IMPORT_CRON", "30 5 * * *")  # daily, 05:30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}


def _crontab_schedule(expression: str) -> dict:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return {
        "minute": minute,
        "hour": hour,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "day_of_week": day_of_week,
    }


CELERY_BEAT_SCHEDULE = {
    "full-scan": {
        "task": "measurement.tasks.scheduled_scan",
        "schedule": crontab(**_crontab_schedule(SCAN_SCHEDULE_CRON)),
    },
    "scan-watchdog": {
        "task": "measurement.tasks.resume_stalled_scans",
        "schedule": float(SCAN_WATCHDOG_SECONDS),
    },
}
if RIO_IMPORT_CRON:
    CELERY_BEAT_SCHEDULE["register-import"] = {
        "task": "measurement.tasks.scheduled_register_import",
        "schedule": crontab(**_crontab_schedule(RIO_IMPORT_CRON)),
    }
# Unacknowledged batches are redelivered after this long when a worker vanished entirely;
# batches are idempotent, so an early redelivery only costs time.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 1800)}
