from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.importer import MalformedArticle, parse_article
from articles.services import article_import


class Command(BaseCommand):
    help = "Import articles from scraped plain-text files (a folder imports every .txt in it)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, paths, **options):
        files = self._files(paths)
        failed = 0
        for path in files:
            try:
                if path.is_dir():
                    raise MalformedArticle("a folder with no .txt files")
                article, created = article_import(parsed=parse_article(self._read(path)), key=path.stem)
            except (MalformedArticle, ValidationError) as error:
                failed += 1
                self.stderr.write(f"{path}: {self._describe(error)}")
                continue
            verb = "created" if created else "updated"
            self.stdout.write(f"{path}: {verb} article {article.pk} ({article.pub_date:%Y-%m-%d})")
        if failed:
            raise CommandError(f"{failed} of {len(files)} files could not be imported.")

    @staticmethod
    def _files(paths: list[Path]) -> list[Path]:
        """The files to import: a folder stands for its .txt files, or for itself when it has none."""
        return [
            f for path in paths for f in ((sorted(path.glob("*.txt")) or [path]) if path.is_dir() else [path])
        ]

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise MalformedArticle("no such file") from None
        except UnicodeDecodeError:
            raise MalformedArticle("not UTF-8 text") from None
        except OSError as error:
            raise MalformedArticle(f"cannot be read ({error.strerror})") from None

    @staticmethod
    def _describe(error: Exception) -> str:
        if isinstance(error, ValidationError):
            return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        return str(error)
