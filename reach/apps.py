from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    """How readers reach the news: feeds, sitemaps, robots.txt, link previews, share links."""

    name = "reach"
    verbose_name = _("الوصول إلى القرّاء")

    def ready(self):
        # Registers the system checks of the settings this app and the date format read.
        from newsroom import dates  # noqa: F401

        from . import checks  # noqa: F401
