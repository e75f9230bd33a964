"""Settings for the coalition site.

Everything that differs between a laptop and production comes from the environment (or a
`.env` file beside manage.py); `.env.example` lists every variable. Production differs from
development only by those variables.
"""

import datetime
import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ---------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

# Development (DEBUG=1, as the Makefile sets for everything but `make serve`) runs without a
# key of its own; the test settings (tests/settings.py) bring theirs. With DEBUG off the key
# stays empty until set: commands that sign nothing (makemigrations --check, compilemessages)
# still run, while the WSGI/ASGI entry points refuse to start without it (icnk/checks.py) and
# `check --deploy` reports it; Django itself refuses to sign anything with an empty key.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where the public reaches the site (scheme and host, no path): every absolute URL in a page, a
# feed, the sitemap, the API or a mail is built from it (icnk/site_url.py), never from the Host
# a request names. Required in production (`check --deploy`).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Where staff sign in. Changing it keeps automated scanners off the login page.
ADMIN_URL = env("ADMIN_URL", default="admin/").strip("/") + "/"

INSTALLED_APPS = [
    # Django's admin with the secretariat's desk as its index and its models grouped as the
    # secretariat thinks of them (icnk/admin_site.py).
    "icnk.admin_config.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Statements' search vector field (statements/search.py); inert on SQLite.
    "django.contrib.postgres",
    "django_countries",
    "import_export",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "icnk",
    "members",
    "statements",
    "drives",
    "followers",
]
# Development tools (benchmarks/: bench, seed_bench, loadtest) are installed only with DEBUG or
# DEV_TOOLS on, so `manage.py help` on a production host does not offer them.
if env.bool("DEV_TOOLS", default=DEBUG):
    INSTALLED_APPS.append("benchmarks")

MIDDLEWARE = [
    # A page-cache hit is answered here, before any other middleware, with the headers all of
    # them gave the first reader (icnk/cache.py): what a reader's request changes (its
    # session, Host, scheme, gzip) is checked first or is part of the key.
    "icnk.cache.CachedAnswerMiddleware",
    # Cross-Origin-Resource-Policy and Permissions-Policy on every response, and a sandbox for
    # uploads (icnk/headers.py). First, so that it also sees redirects and static files.
    "icnk.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (about a fifth of their size). After WhiteNoise, which serves static
    # files compressed ahead of time; before the page cache, so that cached pages are stored
    # once, whole, and compressed per reader. BREACH: Django masks the CSRF token anew on every
    # response and GZipMiddleware pads each response by a random length ("Heal the Breach"),
    # and no page reflects a secret next to text from the request. A proxy that compresses
    # instead may drop this line.
    "django.middleware.gzip.GZipMiddleware",
    # A Host outside ALLOWED_HOSTS gets 400 even for a cached page; absolute URLs are built on
    # SITE_URL, never on the Host (icnk/site_url.py).
    "icnk.site_url.SiteURLMiddleware",
    # Public pages whole for anonymous readers (icnk/cache.py): before sessions and languages,
    # so a cached page skips them; after SecurityMiddleware, which still redirects plain HTTP.
    "icnk.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 400 for a NUL byte anywhere in the address, before any view looks it up (icnk/errors.py).
    "icnk.errors.RejectNulBytesMiddleware",
    # Tells staff when a change of theirs could not refresh the page cache (icnk/cache.py).
    "icnk.cache.PageCacheAlertMiddleware",
    "icnk.security.StaffSessionMiddleware",
    # Admin pages show and read times in the coalition's time zone (icnk/timezones.py).
    "icnk.timezones.CoalitionTimezoneMiddleware",
    # A query cancelled by statement_timeout answers 503 with a reason, not 500.
    "icnk.timeouts.QueryTimeoutMiddleware",
    # Records which staff member made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icnk.urls"
WSGI_APPLICATION = "icnk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "icnk.context_processors.site",
                "statements.context_processors.campaign",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------
# Database and cache
# ---------------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse connections between requests (a new PostgreSQL connection costs more than a page) and
# check them before use, so a restarted database costs only the requests in flight.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work at once; the timeout waits out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A statement running longer than this is cancelled, so a flood of costly requests cannot
    # hold every worker and connection; the reader gets a 503 (icnk/timeouts.py). In
    # milliseconds, 0 for none. manage.py sets 0 for commands (migrate on a big table, the
    # worker, seed_bench) unless the environment gives a value.
    _timeout = env.int("DATABASE_STATEMENT_TIMEOUT", default=5000)
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c statement_timeout={_timeout}".strip()
    # The few queries the site writes once per process (icnk/compiled.py) are prepared on each
    # connection: PostgreSQL then plans them once, not on every page. Django turns prepared
    # statements off unless this is set; every other query is still sent with its values
    # written in and is never prepared. DATABASE_PREPARED_STATEMENTS=0 turns them off, for a
    # pooler that cannot keep prepared statements (PgBouncer before 1.22, or without
    # max_prepared_statements).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        _options.setdefault("prepare_threshold", 2**31 - 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env("CACHE_URL", default=env("REDIS_URL", default="locmemcache://"))
CACHES = {"default": env.cache_url_config(_cache_url)}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            # A slow or absent Redis must not hold a page up for long, and its errors become
            # cache misses: pages are then built from the database. /healthz still reports it.
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
        }
    )
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="icnk")
# How long a public page is kept whole for anonymous readers at most (0 turns the page cache
# off). Any change staff make starts afresh at once, and no page outlives the next scheduled
# publication, so this only bounds memory.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)

# Sessions live in the database so that a cache outage cannot sign staff out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# ---------------------------------------------------------------------------------------------
# Mail
# ---------------------------------------------------------------------------------------------

_email = env.email_url("EMAIL_URL", default="consolemail://")
_mail_options = {}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _mail_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        # A mail server that hangs must not hold a worker (or a request) for long.
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ICNK secretariat <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where notices of new verified join requests go (default: the site's public contact address).
SECRETARIAT_EMAILS = env.list("SECRETARIAT_EMAILS", default=[])
MAIL_RETRY_BACKOFF_SECONDS = env.int("MAIL_RETRY_BACKOFF_SECONDS", default=60)
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=12)
# A message "being sent" for longer than this belonged to a worker that died: send it again.
# `check --deploy` refuses one shorter than a live worker may hold a message (icnk/checks.py).
MAIL_STALE_SECONDS = env.int("MAIL_STALE_SECONDS", default=300)

# Mail to many (icnk/bulk.py): at most this many messages a minute, all lists together, for
# the mail provider's limits (0: no limit); a sending task sends at most BULK_MAIL_BATCH of
# them, or for BULK_MAIL_BATCH_SECONDS, before other mail gets its turn.
BULK_MAIL_PER_MINUTE = env.int("BULK_MAIL_PER_MINUTE", default=600)
BULK_MAIL_BATCH = env.int("BULK_MAIL_BATCH", default=25)
BULK_MAIL_BATCH_SECONDS = env.float("BULK_MAIL_BATCH_SECONDS", default=2.0)
# An address whose mail server refused our mail this many times (a 5xx answer) gets no more.
MAIL_BOUNCE_LIMIT = env.int("MAIL_BOUNCE_LIMIT", default=3)

# ---------------------------------------------------------------------------------------------
# Statements by email (followers/)
# ---------------------------------------------------------------------------------------------

# The confirmation link works this many days; a request not confirmed by then, and a
# subscription ended this long ago, is erased.
FOLLOW_CONFIRM_DAYS = env.int("FOLLOW_CONFIRM_DAYS", default=3)
FOLLOW_RATE_LIMIT = env.int("FOLLOW_RATE_LIMIT", default=5)  # requests per client address
FOLLOW_RATE_WINDOW_SECONDS = env.int("FOLLOW_RATE_WINDOW_SECONDS", default=60 * 60)
FOLLOW_MAILS_PER_RECIPIENT = env.int("FOLLOW_MAILS_PER_RECIPIENT", default=3)  # a day
# How often the worker looks for statements that became public without a signal, and how old
# a statement may be and still be announced after the worker was down.
FOLLOW_SWEEP_SECONDS = env.int("FOLLOW_SWEEP_SECONDS", default=60)
FOLLOW_CATCH_UP_HOURS = env.int("FOLLOW_CATCH_UP_HOURS", default=48)
# An embargoed release's document links work until the embargo plus this many days (after the
# embargo they only lead to the public page), and never longer than PRESS_LINK_MAX_DAYS after
# they were sent, whatever the link says.
PRESS_LINK_DAYS = env.int("PRESS_LINK_DAYS", default=7)
PRESS_LINK_MAX_DAYS = env.int("PRESS_LINK_MAX_DAYS", default=90)

# ---------------------------------------------------------------------------------------------
# Background tasks
# ---------------------------------------------------------------------------------------------

# A durable queue in the database (django-tasks-db): no broker to run, and a task enqueued in
# a transaction exists exactly when the data it is about does. `make worker` runs it.
# Mail to many at once (announcements) runs on its own queue, below the outbox's tasks in
# priority, so a confirmation link never waits behind ten thousand announcements (icnk/bulk.py).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail", "bulk"],
    }
}
# Periodic jobs: the worker calls each of these functions when it starts. Each queues its task
# unless it is queued already, and every run of the task queues the next one before it does its
# work, so that an error or a worker killed mid-run does not end the chain.
PERIODIC_TASKS = [
    "icnk.mail.schedule_sweep",  # requeue stranded mail every few minutes
    "members.tasks.schedule_purge",  # erase stale join requests daily
    "members.tasks.schedule_membership_rules",  # renewal reminders and lapses, daily
    "members.tasks.schedule_session_clearing",  # delete expired sessions hourly
    "drives.tasks.schedule_reminders",  # sign-on drive reminders, checked every 15 minutes
    "icnk.bulk.schedule_sweep",  # requeue bulk mail a stopped worker left, every 5 minutes
    "followers.tasks.schedule_announcements",  # mail statements to subscribers when public
    "followers.tasks.schedule_purge",  # erase unconfirmed and ended subscriptions daily
]

# ---------------------------------------------------------------------------------------------
# Joining
# ---------------------------------------------------------------------------------------------

JOIN_VERIFY_MAX_AGE_DAYS = env.int("JOIN_VERIFY_MAX_AGE_DAYS", default=3)
JOIN_RATE_LIMIT = env.int("JOIN_RATE_LIMIT", default=5)  # submissions per client address
JOIN_RATE_WINDOW_SECONDS = env.int("JOIN_RATE_WINDOW_SECONDS", default=60 * 60)
# Confirmation mails to one address, whoever asks for them, in a day from the first.
JOIN_MAILS_PER_RECIPIENT = env.int("JOIN_MAILS_PER_RECIPIENT", default=3)
JOIN_MAIL_WINDOW_SECONDS = env.int("JOIN_MAIL_WINDOW_SECONDS", default=24 * 60 * 60)
# Answers on sign-on pages (drives/views.py) per client address in a window.
DRIVE_ANSWER_RATE_LIMIT = env.int("DRIVE_ANSWER_RATE_LIMIT", default=20)
DRIVE_ANSWER_RATE_WINDOW_SECONDS = env.int("DRIVE_ANSWER_RATE_WINDOW_SECONDS", default=60 * 60)
# Personal data of rejected or never-verified requests is erased after this many days.
JOIN_REQUEST_RETENTION_DAYS = env.int("JOIN_REQUEST_RETENTION_DAYS", default=30)
# Addresses or networks of our own reverse proxies ("127.0.0.1", "10.0.0.0/8"). X-Forwarded-For
# is read only from a peer in this list (icnk/net.py), so a client that reaches the app server
# directly cannot choose its own address. Empty (the default): the header is never read.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error

# ---------------------------------------------------------------------------------------------
# Spreadsheets and backups
# ---------------------------------------------------------------------------------------------

# django-import-export: no exported cell is a live formula. Our resources escape every cell
# themselves (icnk/spreadsheets.py, which keeps the value); this covers any other resource.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# `make backup` encrypts the archive with this Fernet key when set (icnk/backup.py); keep the
# key apart from the backups. Generate one with: manage.py backup --new-key
BACKUP_ENCRYPTION_KEY = env("BACKUP_ENCRYPTION_KEY", default="")

# ---------------------------------------------------------------------------------------------
# Passwords and authentication
# ---------------------------------------------------------------------------------------------

# OWASP ASVS 5: at least 12 characters, no upper limit below 64 (Django sets none), checked
# against common passwords, the user's own details and the coalition's own words (ASVS 6.2.11),
# and no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Nor the coalition's name, acronym or cause: the first words an attacker tries.
    {
        "NAME": "icnk.security.CoalitionWordsValidator",
        "OPTIONS": {"words": env.list("PASSWORD_FORBIDDEN_WORDS", default=[])},
    },
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out accounts and addresses before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout (django-axes): 5 failures lock an account *from that client address* for 15
# minutes, so an attacker elsewhere cannot lock the secretariat out (it signs in from its own
# address). A client address that fails across accounts is stopped after
# SIGN_IN_ADDRESS_FAILURE_LIMIT failures in the same 15 minutes (icnk/security.py). Either lock
# is lifted early by deleting its Access attempts in the admin or `manage.py axes_reset_ip`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "icnk.net.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# Every refused sign-in is kept (AccessFailureLog, at most 1000 an account), not only the count
# of recent ones, so that each person can read their own sign-in history (icnk/staff.py).
# Successful sign-ins are kept in AccessLog, which django-axes writes by default.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Staff accounts by invitation (icnk/staff.py): the link works this many days, and one
# administrator sends at most this many invitation mails (first sends and resends) a day.
STAFF_INVITATION_DAYS = env.int("STAFF_INVITATION_DAYS", default=7)
STAFF_INVITATIONS_PER_DAY = env.int("STAFF_INVITATIONS_PER_DAY", default=20)

# Staff sessions: signed out after 30 idle minutes, and 10 hours after signing in regardless.
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_TIMEOUT", default=30 * 60)
STAFF_ABSOLUTE_TIMEOUT = env.int("STAFF_ABSOLUTE_TIMEOUT", default=10 * 60 * 60)
SESSION_COOKIE_AGE = STAFF_ABSOLUTE_TIMEOUT


# Two-factor (django-otp, TOTP with single-use recovery codes).
# Nobody reads another staff member's authenticator secret or its QR code in the admin: a
# second factor an administrator could copy would not be that person's. Staff set up their
# own from their account page (icnk/security.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True


def OTP_TOTP_ISSUER(device):  # noqa: N802  (django-otp calls it for the authenticator label)
    from icnk.security import totp_issuer

    return totp_issuer(device)


# ---------------------------------------------------------------------------------------------
# Languages and time
# ---------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["icnk.formats"]
USE_I18N = True
USE_TZ = True
# The coalition's secretariat works from Tokyo; dates on public pages are in this zone. The
# admin uses the time zone staff choose in the site settings, which starts as this one
# (icnk/timezones.py).
TIME_ZONE = env("TIME_ZONE", default="Asia/Tokyo")
# django-countries' own Korean and Japanese names have errors (Seychelles as 시칠리, "Sicily";
# グルジア; パレスチナ自治州) or read oddly in Seoul (조선민주주의인민공화국 for 북한). Naming
# these countries here, in English, puts them in our catalogue, and locale/ (LOCALE_PATHS) wins
# over the package's: the names a Seoul or Tokyo reader expects are in our django.po files.
COUNTRIES_OVERRIDE = {
    "AU": _("Australia"),
    "BI": _("Burundi"),
    "CC": _("Cocos (Keeling) Islands"),
    "CD": _("Democratic Republic of the Congo"),
    "CK": _("Cook Islands"),
    "FK": _("Falkland Islands (Malvinas)"),
    "GE": _("Georgia"),
    "GF": _("French Guiana"),
    "IO": _("British Indian Ocean Territory"),
    "JE": _("Jersey"),
    "KG": _("Kyrgyzstan"),
    "KP": _("North Korea"),
    "KR": _("South Korea"),
    "KY": _("Cayman Islands"),
    "LU": _("Luxembourg"),
    "MF": _("Saint Martin (French part)"),
    "MN": _("Mongolia"),
    "MV": _("Maldives"),
    "PS": _("Palestine"),
    "RO": _("Romania"),
    "SC": _("Seychelles"),
    "SX": _("Sint Maarten (Dutch part)"),
    "TH": _("Thailand"),
    "TR": _("Türkiye"),
    "VG": _("Virgin Islands (British)"),
    "VI": _("Virgin Islands (U.S.)"),
}

# ---------------------------------------------------------------------------------------------
# Static files and uploads
# ---------------------------------------------------------------------------------------------

STATIC_URL = "/static/"
# While developing, files are served from the app folders and static/ directly.
STATIC_ROOT = None if DEBUG else env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Django serves MEDIA_ROOT itself (with the headers of icnk/headers.py) while developing, and on
# a throw-away site with SERVE_MEDIA=1 (`make check-pages`, `make lighthouse-all`). In production
# the web server or object store serves uploads (README, Deployment).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

STORAGES = {
    "default": {"BACKEND": "icnk.storage.SafeFileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain ones while developing, so that it needs
        # no collectstatic first.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "icnk.storage.StaticFilesStorage"  # WhiteNoise's, addresses kept
        )
    },
}
# Several app servers share one media store: an S3-compatible bucket (django-storages) when
# MEDIA_BUCKET is set, the local MEDIA_ROOT otherwise.
MEDIA_BUCKET = env("MEDIA_BUCKET", default="")
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env("MEDIA_ENDPOINT_URL", default=None),
            "region_name": env("MEDIA_REGION", default=None),
            "access_key": env("MEDIA_ACCESS_KEY_ID", default=None),
            "secret_key": env("MEDIA_SECRET_ACCESS_KEY", default=None),
            "custom_domain": env("MEDIA_CUSTOM_DOMAIN", default=None),
            # Uploads already get random names; never overwrite, never public-read ACLs.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": env.bool("MEDIA_SIGNED_URLS", default=False),
        },
    }


# Pages name django-countries' flags by their hashed names too (icnk/templatetags/site_tags.py
# `flag_url`), so WhiteNoise lets browsers keep them for ever, as every other static file.

FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---------------------------------------------------------------------------------------------
# HTTP security
# ---------------------------------------------------------------------------------------------

# HTTPS is assumed in production; `make serve` turns it off to run on plain http://127.0.0.1.
# With these settings the site scores A+ on Mozilla's HTTP Observatory behind TLS.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# A year of HSTS. includeSubDomains and preload can be turned off by a coalition whose other
# subdomains are not on HTTPS yet.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_PROXY", default=False):
    # Only when one trusted proxy terminates TLS and sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: Secure over HTTPS, never readable by scripts, not sent on cross-site requests. The
# __Host- prefix (HTTPS only: browsers refuse it without Secure) also stops a sibling subdomain
# from planting a session or CSRF cookie.
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
# A refused form gets the site's page, in the reader's language, not Django's developer page.
CSRF_FAILURE_VIEW = "icnk.errors.csrf_failure"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Django's Content-Security-Policy, for public pages and the admin alike: nothing is allowed
# unless listed, scripts and styles only from our own files (no inline code, so no nonces and
# nothing cached that could hold one), images from our files or data: URLs (the two-factor QR
# code), no plugins, no <base>, no framing.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
if HTTPS:
    SECURE_CSP["upgrade-insecure-requests"] = True

# Who may show the embed pages (/<lang>/embed/...) in an <iframe>: only those pages relax
# frame-ancestors (icnk.headers.embeddable). Any site by default: the embeds show only what
# every public page and the JSON API already show, hold no form, session or button that acts,
# and open every link in a new top-level tab, so framing them lends a hostile site nothing to
# trick a reader into; a list would only make partners wait for the secretariat. A coalition
# that wants to choose its partners lists their origins, space-separated:
# EMBED_FRAME_ANCESTORS="https://partner.example https://other.example".
EMBED_FRAME_ANCESTORS = env.str("EMBED_FRAME_ANCESTORS", default="*").split()

# ---------------------------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tokens from mailed links never reach a log line (icnk/logs.py).
    "filters": {"redact_secrets": {"()": "icnk.logs.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's defaults give this logger handlers of its own: a console with DEBUG on, mail
        # to ADMINS with it off, neither redacting. None here: its lines go to the root's.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # runserver's request lines (`make run`) through the same redacting handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
