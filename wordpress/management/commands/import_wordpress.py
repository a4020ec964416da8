import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from wordpress.services import Report, import_export
from wordpress.wxr import WxrError, items, survey

PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): posts as articles, categories as sections, tags, authors as"
        " bylines, featured images, and redirects from the old permalinks. Running it again updates"
        " what changed in WordPress."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the .xml file from WordPress's Tools → Export")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="a copy of the site's wp-content/uploads folder; without it, featured images are"
            " recorded by their original URL",
        )

    def handle(self, *args, export: Path, media_dir: Path | None, **options):
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"--media-dir {media_dir}: no such folder")
        # The first reading checks the whole file and writes nothing: a truncated or hostile
        # export is refused before the first article is touched.
        self.stdout.write(f"Reading {export} …")
        try:
            found = survey(export, lambda read: self.stdout.write(f"  {read:,} items read"))
        except WxrError as error:
            raise CommandError(f"{export}: {error}. Nothing was imported.") from None
        try:
            self.stdout.write(
                f"Found {found.posts:,} posts, {found.attachments.count:,} attachments,"
                f" {len(found.categories):,} categories and {len(found.authors):,} authors."
            )
            started = time.monotonic()

            def progress(done: int) -> None:
                if done % PROGRESS_EVERY == 0 or done == found.posts:
                    rate = done / max(time.monotonic() - started, 1e-6)
                    share = f" ({done * 100 // found.posts}%)" if found.posts else ""
                    self.stdout.write(f"  {done:,} of {found.posts:,} posts{share}, {rate:,.0f} a second")

            report = import_export(found, items(export), media_dir=media_dir, progress=progress)
        except (WxrError, DatabaseError, ValidationError) as error:
            raise CommandError(f"{export}: {error}. Nothing was imported (all rolled back).") from None
        finally:
            found.attachments.close()
        self._summary(report)

    def _summary(self, report: Report) -> None:
        write = self.stdout.write
        write(
            f"Done: {report.created:,} created, {report.updated:,} updated,"
            f" {report.unchanged:,} unchanged, {report.skipped_total:,} skipped."
        )
        for reason, count in report.skipped.most_common():
            write(f"  skipped {count:,}: {reason}")
        write(
            f"Sections created: {report.sections_created:,} (hidden from the menu until an editor shows"
            f" them). Bylines created: {report.authors_created:,}. Old addresses kept: {report.old_paths:,}."
        )
        write(
            f"Featured images: {report.photos_copied:,} copied from --media-dir,"
            f" {report.photos_remote:,} recorded by their original URL."
        )
        for note, count in report.notes.most_common():
            write(f"  {note} ({count:,} posts)")
        for line in report.problems:
            write(f"  {line}")
