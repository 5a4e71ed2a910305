"""Settings for Newsroom, read from the environment.

NEWSROOM_ENV chooses the mode: ``development`` (the default: local HTTP, a
throw-away secret, so ``manage.py`` works on a fresh clone), ``production``
(strict: a real secret and host names are required) or ``test``. A
deployment must say ``production``; ``check --deploy`` warns when it does not.
Every value that comes from outside is parsed by ``newsroom.env``, which stops
start-up with one line naming the variable when something is wrong.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from newsroom import env

BASE_DIR = Path(__file__).resolve().parent.parent

NEWSROOM_ENV = env.read_choice("NEWSROOM_ENV", ("production", "development", "test"), "development")
PRODUCTION = NEWSROOM_ENV == "production"

DEBUG = env.read_bool("DEBUG", False)

# Development and tests get a fixed, obviously unsafe key; production must bring its own.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env.read_str("SECRET_KEY", required=PRODUCTION) or DEVELOPMENT_SECRET_KEY
if PRODUCTION and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise env.ConfigurationError(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env.read_list("ALLOWED_HOSTS", () if PRODUCTION else LOCAL_HOSTS + ["testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise env.ConfigurationError("ALLOWED_HOSTS must list the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env.read_list("CSRF_TRUSTED_ORIGINS")
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise env.ConfigurationError(
            f"CSRF_TRUSTED_ORIGINS entries must start with http:// or https://, not {origin!r}."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "django_prose_editor",
    "axes",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.read_database_url("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while an editor saves; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.read_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage degrades to no cache instead of a 500 (see newsroom/cache.py).
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "KEY_PREFIX": env.read_str("CACHE_KEY_PREFIX", "newsroom"),
            "TIMEOUT": 600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            "TIMEOUT": 600,
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if NEWSROOM_ENV == "test":
    # Hashing strength is not what the suite measures; a fast hasher keeps it quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = env.read_str("LANGUAGE_CODE", "id")
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.read_time_zone("TIME_ZONE", "Asia/Makassar")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.read_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# In production nginx (or object storage) serves uploads; locally Django does.
SERVE_MEDIA = env.read_bool("SERVE_MEDIA", not PRODUCTION)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if NEWSROOM_ENV == "test"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000
if NEWSROOM_ENV == "test":
    # Tests run without collectstatic: serve from the app folders instead of STATIC_ROOT.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# Uploads: refuse big bodies before they reach Pillow.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
NEWSROOM_IMAGE_MAX_BYTES = env.read_int("NEWSROOM_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
NEWSROOM_IMAGE_MAX_PIXELS = env.read_int("NEWSROOM_IMAGE_MAX_PIXELS", 40_000_000)
NEWSROOM_IMAGE_MIN_SIDE = 200
NEWSROOM_RENDITION_WIDTHS = (480, 800, 1200)

NEWSROOM_SITE_NAME = env.read_str("NEWSROOM_SITE_NAME", "Newsroom")
NEWSROOM_SITE_TAGLINE = env.read_str(
    "NEWSROOM_SITE_TAGLINE", "Berita Balikpapan dan Kalimantan Timur"
)
# Related stories: how many under an article, and a "Baca juga" link inside its body.
NEWSROOM_RELATED_COUNT = env.read_int("NEWSROOM_RELATED_COUNT", 5)
NEWSROOM_INLINE_RELATED = env.read_bool("NEWSROOM_INLINE_RELATED", True)

LOGIN_URL = "admin:login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# user name from one address, that pair is locked out for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = ["newsroom.security.ThrottledModelBackend"]
AXES_FAILURE_LIMIT = env.read_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # 15 minutes, as templates/registration/locked_out.html says
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# In production gunicorn sits behind nginx, which passes the client's address in X-Real-IP.
BEHIND_PROXY = env.read_bool("BEHIND_PROXY", PRODUCTION)
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"

EMAIL_HOST = env.read_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.read_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.read_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.read_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.read_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.read_str("DEFAULT_FROM_EMAIL", "redaksi@newsroom.local")
# E-mails are sent after commit, with no request to build absolute links from.
NEWSROOM_SITE_URL = (
    env.read_url("NEWSROOM_SITE_URL", ("http", "https")) or "http://127.0.0.1:8000"
).rstrip("/")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Content Security Policy (newsroom/security.py): no inline script anywhere,
# no inline style on the public site; the admin's widgets need inline styles.
CSP_PUBLIC = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CSP_ADMIN = {
    **CSP_PUBLIC,
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
}
CSP_ADMIN_PATH = "/admin/"
if PRODUCTION:
    # nginx terminates TLS and tells us so (see deploy/nginx.conf).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.read_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.read_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.read_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every login at INFO; lockouts and failures are warnings.
        "axes": {"level": "WARNING"},
    },
}
