from django.conf import settings

from sections.models import Section


def site(request):
    # Lazy: the query runs only on pages whose header renders the menu, not in the admin.
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "menu_sections": Section.objects.active().filter(parent=None),
    }
