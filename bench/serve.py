"""Serve the site as production would (DEBUG off, hashed and compressed static files) for
Lighthouse and page-weight measurements: `.venv/bin/python bench/serve.py [port]`.

Run `manage.py collectstatic` first. Uploaded media is served by WhiteNoise here only so that
photos count in the page weight; production serves MEDIA_ROOT from the web server.
"""

import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ["DEBUG"] = "0"
# Plain http on this machine: production would redirect it to https.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from whitenoise import WhiteNoise  # noqa: E402

# autorefresh: photo renditions are written after start-up, when first asked for.
application = WhiteNoise(get_wsgi_application(), autorefresh=True)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8001
    print(f"http://127.0.0.1:{port}/")
    make_server("127.0.0.1", port, application, server_class=ThreadingServer).serve_forever()
