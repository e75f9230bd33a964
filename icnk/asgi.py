"""ASGI entry point, for servers that speak ASGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icnk.settings")

application = get_asgi_application()

from icnk.checks import require_secret_key  # noqa: E402  (needs the settings loaded above)

require_secret_key()
