from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.http import HttpResponseGone, HttpResponsePermanentRedirect
from django.utils.deprecation import MiddlewareMixin


class LegacyRedirectMiddleware(MiddlewareMixin):
    """django.contrib.redirects' fallback, for the addresses a site moving off WordPress has out
    there. Besides the percent-encoded form Django's own middleware matches, it finds paths
    stored with their letters ("/2018/12/01/سوريا/": the WordPress import stores them so, as
    an encoded Arabic permalink outgrows the table's 200 characters), and WordPress's
    "/?p=123" links, which would otherwise land on the home page. One query per 404."""

    def process_request(self, request):
        post_id = request.GET.get("p", "")
        if request.path == "/" and post_id.isdigit():
            return self._redirect_from([f"/?p={int(post_id)}"])
        return None

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        query = request.META.get("QUERY_STRING", "")
        suffix = f"?{query}" if query else ""
        paths = [request.get_full_path(), request.path + suffix]
        if settings.APPEND_SLASH and not request.path.endswith("/"):
            paths += [request.get_full_path(force_append_slash=True), request.path + "/" + suffix]
        return self._redirect_from(paths) or response

    @staticmethod
    def _redirect_from(paths: list[str]):
        matches = Redirect.objects.filter(site_id=settings.SITE_ID, old_path__in=paths).order_by()
        found = {r.old_path: r for r in matches}
        redirect = next((found[path] for path in paths if path in found), None)
        if redirect is None:
            return None
        if redirect.new_path == "":
            return HttpResponseGone()
        return HttpResponsePermanentRedirect(redirect.new_path)
