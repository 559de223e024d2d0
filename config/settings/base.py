"""Settings for local use and tests; every value can come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable; a value it does not know (`DEBUG=ture`) stops start-up, never guesses."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of true/false, yes/no, on/off, 1/0."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, str(default))
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Only for local use: production refuses to start with it (config/settings/production.py).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "articles",
    "moderation",
]

MIDDLEWARE = [
    # First, so it sees every response last (after CommonMiddleware set Content-Length).
    "config.middleware.NotModifiedWithoutLengthMiddleware",
    # The headers of these three are also what `config.front` adds to the cached article
    # pages it answers before Django runs (a test compares both paths).
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything that reads the body (CSRF, sessions, views): too large is refused unread.
    "config.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "jobs.context_processors.polling",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The pending counters are triggers, imports reserve ids and search is full-text, each
# written for these two: any other database is refused here, not halfway through an import.
SUPPORTED_DATABASES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")
if DATABASES["default"]["ENGINE"] not in SUPPORTED_DATABASES:
    raise ImproperlyConfigured(
        f"DATABASE_URL names {DATABASES['default']['ENGINE']}; Moderato runs on SQLite or "
        "PostgreSQL (sqlite:///path or postgres://user@host/name)."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work at once (runserver, tests); a
    # 64 MB page cache (allocated as needed) keeps the comment indexes in memory
    # during large imports, which made them about 20% faster.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # A decision made while a job commits a step waits for it rather than failing.
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "moderato"),
        }
    }
else:
    # Django's default of 300 entries would evict the comment fragments of one big article.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCMEM_CACHE_ENTRIES", 50_000)},
        }
    }
# Public article pages are cached under a key that changes with the article, so this only
# bounds memory and changes nobody records (e.g. a staff member's name). Bump the version
# when a deploy changes how pages look.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 86400)
# 2: share tags, named comments; 3: staff never by login name; 4: pages of threads, comment
# fragments; 5: fragments written in Python (less whitespace).
PUBLIC_PAGE_VERSION = os.environ.get("PUBLIC_PAGE_VERSION", "5")
# Top-level threads (each with all its replies) per page of an article's comments: about
# 70 comments, 50 KB of HTML (12 KB gzipped) at a typical reply rate; see docs/public-pages.md.
PUBLIC_THREADS_PER_PAGE = env_int("PUBLIC_THREADS_PER_PAGE", 50)

# Sessions live in the database (or the shared cache), never in process memory,
# so any app process behind the load balancer can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes) on /accounts/login/ and /admin/login/: after
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
# refused for AXES_COOLOFF_MINUTES (HTTP 429, templates/registration/locked_out.html).
# Attempts live in the database, so every app process sees the same count.
# Lift a lockout early with `manage.py axes_reset_username NAME` (or axes_reset).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Username and address together: one guesser cannot lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# How many proxies (nginx, a load balancer) sit in front and append to X-Forwarded-For;
# 0 means the app is reached directly and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "moderation:queue"
LOGOUT_REDIRECT_URL = "articles:index"

# What link previews, feeds and search results say about the site as a whole.
SITE_NAME = os.environ.get("SITE_NAME", "Moderato")
SITE_DESCRIPTION = os.environ.get(
    "SITE_DESCRIPTION", "The newest articles and their reader discussions."
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
# Uploaded files waiting to be imported. With more than one app server (or a worker on
# another machine) this must be storage they all share: see docs/jobs.md.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"  # never served: staged uploads are private
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    # No collectstatic needed while developing; production uses hashed names.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploads larger than this are refused with a clear message (bytes).
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# Any request body larger than this is refused with 413 before Django reads it, on every
# URL (config.middleware.RequestBodyLimitMiddleware): the upload plus room for form fields.
# Keep nginx's client_max_body_size at the same value (docs/deploy.md).
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Background jobs (docs/jobs.md): django-tasks with its database backend; workers run
# `manage.py jobs_worker`. The job record (jobs.Job) carries progress and the resume point.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
JOBS_HEARTBEAT_SECONDS = env_float("JOBS_HEARTBEAT_SECONDS", 5)
# A running job whose heartbeat is older than this is given to another worker.
JOBS_STALE_AFTER_SECONDS = env_float("JOBS_STALE_AFTER_SECONDS", 60)
JOBS_HOUSEKEEPING_SECONDS = env_float("JOBS_HOUSEKEEPING_SECONDS", 10)
JOBS_POLL_SECONDS = env_float("JOBS_POLL_SECONDS", 1)  # pages showing progress ask this often
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)
# A pause after each committed step of a job, so a long job leaves room for other writers.
JOBS_STEP_PAUSE_SECONDS = env_float("JOBS_STEP_PAUSE_SECONDS", 0)
# Periodic jobs: handler -> every how many seconds.
JOBS_PERIODIC = {
    "articles.tasks.purge_staged_uploads": 3600,
    # Hourly: sends that day's digest once, from DIGEST_HOUR (moderation/digest.py).
    "moderation.tasks.send_daily_digest": 3600,
    # Checks the oldest pending comment; mails at most once per QUEUE_ALERT_EVERY_MINUTES.
    "moderation.tasks.send_queue_age_alert": 300,
}
# "All N matching" above this many comments runs as a job; fewer are decided at once.
BULK_JOB_THRESHOLD = env_int("BULK_JOB_THRESHOLD", 2000)
BULK_JOB_CHUNK = env_int("BULK_JOB_CHUNK", 1000)
# Staged uploads: each user keeps at most this many; older than a day they are purged.
IMPORT_STAGED_PER_USER = env_int("IMPORT_STAGED_PER_USER", 5)
IMPORT_STAGED_MAX_AGE_SECONDS = env_float("IMPORT_STAGED_MAX_AGE_SECONDS", 86400)
# Triage: where trained models are written (each is also kept in the database, so an app
# server whose directory lacks a version writes it there on first use), and how many
# people's decisions training needs before it agrees to train.
TRIAGE_MODEL_DIR = Path(os.environ.get("TRIAGE_MODEL_DIR", MEDIA_ROOT / "triage-models"))
TRIAGE_MIN_DECISIONS = env_int("TRIAGE_MIN_DECISIONS", 200)
# The import service calls this with (id, record.triage) of each comment an import created,
# inside the import's transaction (the articles app never imports moderation itself).
IMPORT_AFTER_LOAD = "moderation.triage.service.triage_new_comments"
# Called once per import before the file is read (so before the parse worker forks); returns
# the function the parse worker calls on each batch of comment records, which may set
# `record.triage` from the text alone (triage's words, links and scores), or None.
IMPORT_READ_COMMENTS = "moderation.triage.precompute.for_import"
# Retrain the learned score this often (a periodic job; 0 turns the schedule off).
TRIAGE_RETRAIN_SECONDS = env_int("TRIAGE_RETRAIN_SECONDS", 86400)
if TRIAGE_RETRAIN_SECONDS > 0:
    JOBS_PERIODIC["moderation.triage.tasks.train_learned_model"] = TRIAGE_RETRAIN_SECONDS

# Mail: the digest and the queue alert. Printed to the console unless configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Moderato <moderato@localhost>")
# Where emails link to (no request to take the host from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Alert when the oldest pending comment has waited this long; at most once per the other.
QUEUE_ALERT_AGE_MINUTES = env_int("QUEUE_ALERT_AGE_MINUTES", 240)
QUEUE_ALERT_EVERY_MINUTES = env_int("QUEUE_ALERT_EVERY_MINUTES", 240)
# The daily digest goes out once a day from this hour on (local time, 0-23) when sent by
# `send_digest --if-due` or the scheduled job.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere; Bootstrap's icons are data: SVGs in its CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
