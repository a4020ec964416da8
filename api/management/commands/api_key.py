from django.core.management.base import BaseCommand, CommandError
from rest_framework.throttling import SimpleRateThrottle

from api.authentication import key_digest, new_key


class Command(BaseCommand):
    help = "Make an API key for a partner: the key to give them and the entry for API_PARTNER_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The partner's name, as it appears in rate-limit keys.")
        parser.add_argument("--rate", default="1000/hour", help="Its rate limit, like 1000/hour.")

    def handle(self, *args, name, rate, **options):
        if ":" in name or "," in name or not name.strip():
            raise CommandError("The name may not be empty or contain ':' or ','.")
        try:
            # DRF's parser uses nothing of the instance.
            SimpleRateThrottle.parse_rate(None, rate)
        except (ValueError, KeyError, IndexError):
            raise CommandError(f"Rate {rate!r} is not like 1000/hour.") from None
        key = new_key()
        # Only the digest is kept in settings; the key itself is shown this once.
        self.stdout.write(f"Key: {key}")
        self.stdout.write(f"API_PARTNER_KEYS entry: {name.strip()}:{rate}:{key_digest(key)}")
