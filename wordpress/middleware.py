from django.conf import settings
from django.http import HttpResponsePermanentRedirect

from .models import ImportedPost


class WordPressRedirectMiddleware:
    """Addresses of the old WordPress site answer with a 301 to the imported article: its
    permalinks, on their way to a 404, and "/?p=123" links, which would otherwise land on the
    home page. The target is looked up when asked, so it follows the article's current slug.

    Not django.contrib.redirects: that needs django.contrib.sites, whose installed Site
    (example.com) would then stand in for the request's host in every feed and sitemap, and
    its 200-character paths are too short for percent-encoded Arabic permalinks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        post_id = request.GET.get("p", "")
        if request.path == "/" and post_id.isdigit():
            target = ImportedPost.objects.redirect_target(post_id=int(post_id))
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        paths = [request.path]
        if settings.APPEND_SLASH and not request.path.endswith("/"):
            paths.append(request.path + "/")
        target = ImportedPost.objects.redirect_target(paths=paths)
        return HttpResponsePermanentRedirect(target) if target else response
