from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import ArchiveError, import_content


class Command(BaseCommand):
    help = (
        "Restore an export_content archive into an empty (freshly migrated) database: everything "
        "or, if anything in it is wrong, nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar.gz file export_content wrote")

    def handle(self, *args, archive: Path, **options):
        try:
            summary = import_content(archive)
        except ArchiveError as error:
            raise CommandError(f"{archive}: {error}. Nothing was restored.") from None
        for label, count in summary.rows.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"media files: {len(summary.media)}")
        for name in summary.missing_media:
            self.stderr.write(f"was already missing when the archive was made: {name}")
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}"))
