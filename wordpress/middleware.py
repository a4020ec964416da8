from django.conf import settings
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect


class LegacyRedirectMiddleware(RedirectFallbackMiddleware):
    """django.contrib.redirects' fallback, which also matches paths written with their letters
    ("/2018/12/01/سوريا/", as the WordPress import stores them: percent-encoded, an Arabic
    permalink outgrows the table's 200 characters) and WordPress's "/?p=123" links, which
    would otherwise land on the home page."""

    def process_request(self, request):
        post_id = request.GET.get("p", "")
        if request.path == "/" and post_id.isdigit():
            return self._redirect_from([f"/?p={int(post_id)}"])
        return None

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.status_code != 404:
            return response
        query = request.META.get("QUERY_STRING", "")
        path = request.path + (f"?{query}" if query else "")
        candidates = [path]
        if settings.APPEND_SLASH and not request.path.endswith("/"):
            candidates.append(request.path + "/" + (f"?{query}" if query else ""))
        return self._redirect_from(candidates) or response

    def _redirect_from(self, paths: list[str]):
        found = {r.old_path: r for r in Redirect.objects.filter(site_id=settings.SITE_ID, old_path__in=paths)}
        redirect = next((found[p] for p in paths if p in found), None)
        if redirect is None:
            return None
        if redirect.new_path == "":
            return self.response_gone_class()
        return self.response_redirect_class(redirect.new_path)
