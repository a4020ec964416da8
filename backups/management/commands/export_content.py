from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import ArchiveError, export_content


class Command(BaseCommand):
    help = (
        "Write the site's content (articles with their history, sections, sources, tags, authors, "
        "comments with their moderation, users) and its media files to one .tar.gz archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar.gz file to write")

    def handle(self, *args, archive: Path, **options):
        if not archive.parent.is_dir():
            raise CommandError(f"no such folder: {archive.parent}")
        try:
            summary = export_content(archive)
        except (ArchiveError, OSError) as error:
            raise CommandError(f"{archive}: {error}") from None
        for label, count in summary.rows.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"media files: {len(summary.media)}")
        for name in summary.missing_media:
            self.stderr.write(f"missing from the media storage, not in the archive: {name}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {archive}"))
