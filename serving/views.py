from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """ "ok" while this process answers requests: what a load balancer polls to route traffic.

    It asks nothing of the database or the cache on purpose: those are shared by every app
    server, and a health check failing on them would take every server out of the pool at once,
    where cached pages and the Arabic 503 page are the better answer."""
    return HttpResponse("ok", content_type="text/plain")
