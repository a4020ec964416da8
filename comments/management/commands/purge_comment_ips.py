from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone

from comments.models import Comment, Report


class Command(BaseCommand):
    help = (
        "Forget the IP addresses of comments and reports older than COMMENTS_IP_RETENTION_DAYS "
        "(run it daily from cron). Readers write to us from where being identified is dangerous: "
        "an address is kept only as long as abuse handling needs it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="keep addresses this many days instead of COMMENTS_IP_RETENTION_DAYS (0 forgets all)",
        )

    def handle(self, *args, days=None, verbosity=1, **options):
        if days is None:
            days = settings.COMMENTS_IP_RETENTION_DAYS
        if days < 0:
            raise CommandError(f"--days must be 0 or more, not {days}")
        try:
            cutoff = timezone.now() - timedelta(days=days)
        except OverflowError:
            raise CommandError(f"--days {days} is too many: that reaches before the year 1") from None
        try:
            with transaction.atomic():
                comments = Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False)
                reports = Report.objects.filter(created_at__lt=cutoff, ip_address__isnull=False)
                purged_comments = comments.update(ip_address=None)
                purged_reports = reports.update(ip_address=None)
        except DatabaseError as error:
            # Cron mails what is printed: one line reads better there than a traceback.
            raise CommandError(f"could not purge IP addresses: {error}") from error
        if verbosity >= 1 or purged_comments or purged_reports:
            self.stdout.write(
                f"forgot the IP addresses of {purged_comments} comments and {purged_reports} reports "
                f"older than {days} days"
            )
