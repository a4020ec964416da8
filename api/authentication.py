"""Partner API keys: a partner that sends its key is counted against its own rate, not its IP's.

Keys live in settings.API_PARTNER_KEYS as "name:rate:sha256-of-key", so a leaked settings file
or environment does not leak a key that works. `python manage.py api_key NAME` makes one.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

KEYWORD = "Api-Key"


@dataclass(frozen=True)
class Partner:
    name: str
    rate: str


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(32)


def parse_partner_entry(entry: str) -> tuple[str, Partner]:
    """(digest, partner) from one "name:rate:digest" entry; ValueError when malformed."""
    name, rate, digest = (part.strip() for part in entry.split(":"))
    if not name or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
        raise ValueError(entry)
    return digest.lower(), Partner(name=name, rate=rate)


def configured_partners() -> dict[str, Partner]:
    return dict(parse_partner_entry(entry) for entry in settings.API_PARTNER_KEYS)


class PartnerKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`. Without the header the request is anonymous; with a key
    that is not configured it is refused, so a partner notices a typo instead of silently
    falling back to the anonymous rate."""

    def authenticate(self, request):
        scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != KEYWORD.lower():
            return None
        partner = configured_partners().get(key_digest(key.strip()))
        if partner is None:
            raise AuthenticationFailed(_("مفتاح الواجهة البرمجية غير معروف."))
        return AnonymousUser(), partner

    def authenticate_header(self, request):
        return KEYWORD
