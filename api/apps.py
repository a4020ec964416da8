from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "الواجهة البرمجية"

    def ready(self):
        from . import checks, schema  # noqa: F401  (register the settings check and the key scheme)
