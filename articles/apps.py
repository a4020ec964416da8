from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "الأخبار"

    def ready(self):
        from . import related_cache

        related_cache.connect()
