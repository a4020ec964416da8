from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .authentication import Partner


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per client: a partner's key when it sends one, its IP address otherwise.

    The rates are read on every request, not frozen into the class as DRF's scoped throttles
    do, so a changed setting applies without redefining anything.
    """

    scope = "api"

    def get_rate(self):
        return settings.API_ANON_RATE

    def allow_request(self, request, view):
        partner = self.partner(request)
        self.rate = partner.rate if partner else settings.API_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        partner = self.partner(request)
        ident = f"partner:{partner.name}" if partner else f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    @staticmethod
    def partner(request) -> Partner | None:
        return request.auth if isinstance(request.auth, Partner) else None
