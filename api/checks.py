from django.conf import settings
from django.core.checks import Error, register
from rest_framework.throttling import SimpleRateThrottle

from .authentication import parse_partner_entry


@register()
def check_api_rates(app_configs, **kwargs):
    """A malformed rate or key entry is found at startup, not as a 500 on a partner's request."""
    errors = []
    entries = [("API_ANON_RATE", settings.API_ANON_RATE)]
    for entry in settings.API_PARTNER_KEYS:
        try:
            _digest, partner = parse_partner_entry(entry)
        except ValueError:
            errors.append(
                Error(
                    f"API_PARTNER_KEYS entry {entry.split(':')[0]!r} is not name:rate:sha256-hex.",
                    id="api.E001",
                )
            )
            continue
        entries.append((f"API_PARTNER_KEYS {partner.name!r}", partner.rate))
    for where, rate in entries:
        try:
            # DRF's parser uses nothing of the instance; the check has no request to build one for.
            SimpleRateThrottle.parse_rate(None, rate)
        except (ValueError, KeyError, IndexError):
            errors.append(Error(f"{where}: rate {rate!r} is not like '120/minute'.", id="api.E002"))
    return errors
