"""The WSGI application gunicorn runs (gunicorn.conf.py).

With SERVE_MEDIA=1 it also serves uploaded photos from MEDIA_ROOT, for a single machine with no
web server in front (a demo, Lighthouse page-weight runs). In production the web server or the
object storage serves them (docs/deploy.md).
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from whitenoise import WhiteNoise

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

if os.environ.get("SERVE_MEDIA") == "1":
    # autorefresh: photo renditions are written after start-up, when first asked for.
    application = WhiteNoise(application, autorefresh=True)
    application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
