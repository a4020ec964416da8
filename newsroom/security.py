"""The pieces of the hardening that are code rather than settings (see the end of settings.py)."""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from js_asset import Media


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a refused login: the admin's own page saying, in Arabic, why
    and for how long, instead of axes' bare English 429 text."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": "تسجيل الدخول موقوف مؤقتاً",
        # Nobody is logged in: the admin's sidebar would only say there is nothing to see.
        "is_nav_sidebar_enabled": False,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    return TemplateResponse(
        request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    ).render()


class NonceMediaAdminMixin:
    """For a ModelAdmin whose form has the prose editor: its inline <script type="importmap">
    gets the request's CSP nonce, the only inline script the policy lets run."""

    def render_change_form(self, request, context, *args, **kwargs):
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None and "media" in context:
            context["media"] = Media.from_media(context["media"], nonce=str(nonce))
        return super().render_change_form(request, context, *args, **kwargs)
