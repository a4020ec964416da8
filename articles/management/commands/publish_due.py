from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from articles.workflow import publish_due


class Command(BaseCommand):
    help = "Publish the scheduled articles whose time has come (run it every minute from cron)."

    def handle(self, *args, **options):
        try:
            flipped = publish_due()
        except DatabaseError as error:
            # Cron mails whatever is printed: one line saying what went wrong (database down,
            # migrations not run) reads better there than a traceback, and still exits non-zero.
            raise CommandError(f"could not publish scheduled articles: {error}") from error
        for article in flipped:
            # In the newsroom's time zone, the one the editor scheduled it in.
            due = timezone.localtime(article.pub_date)
            self.stdout.write(f"published article {article.pk} «{article.title}» (due {due:%Y-%m-%d %H:%M})")
        # Silent with -v 0, so a cron job every minute does not mail "nothing due" every minute.
        if not flipped and options["verbosity"] >= 1:
            self.stdout.write("no scheduled articles are due")
