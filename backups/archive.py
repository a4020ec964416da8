"""Content backups: the newsroom's content and the media files it uses in one portable .tar.gz.

An archive holds manifest.json (format, version, row counts, media with their SHA-256),
data/<app.model>.jsonl (one object per line, Django's serialised form: primary keys kept,
so article URLs stay the same; users, groups, permissions and content types named by natural
key, so it loads into any freshly migrated database) and media/<name> (the files the content's
file and image fields name). Django's "python" serialiser plus our own JSON encoder rather than
dumpdata: dumpdata's JSON cuts datetimes to milliseconds, and it holds everything in memory.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.utils import validate_file_name
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

FORMAT = "newsroom-content"
VERSION = 1

# Everything a restore brings back, in the order it is loaded: a model after those it points
# to by natural key. This is the one list: a new content model is added here and nowhere else.
EXPORTED_MODELS = [
    "auth.user",  # who wrote, edited, moved and moderated: the rows below point to them
    "sections.section",
    "sources.source",
    "authors.author",
    "taggit.tag",
    "photos.photo",
    "articles.verificationlabel",
    "articles.article",  # with its sources, authors and related picks
    "articles.taggedarticle",
    "articles.correction",
    "articles.transition",
    "comments.comment",
    "comments.report",
    "comments.decision",
    "comments.blockedword",
    "wordpress.importedpost",  # so a re-import after a restore updates instead of duplicating
    "reversion.revision",  # an article's earlier versions, which editors can restore
    "reversion.version",
]
# Files a row names outside its file fields, with the field whose storage holds them: a
# photo's renditions, made once on upload, so a restored site shows its photos at once.
DERIVED_FILES = {"photos.photo": ("image", lambda fields: [r["name"] for r in fields["renditions"]])}

CHUNK = 1000


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says why, for the operator."""


class FullPrecisionEncoder(DjangoJSONEncoder):
    # DjangoJSONEncoder rounds times to milliseconds (as JavaScript would read them); a backup
    # must give back the very value it was given.
    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=dict)
    media: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)


def exported_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in EXPORTED_MODELS]


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _auto_m2m(model) -> list[str]:
    return [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def _serialised(model) -> Iterator[dict]:
    queryset = model._base_manager.order_by("pk").prefetch_related(*_auto_m2m(model))
    serializer = serializers.get_serializer("python")()
    chunk = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield from serializer.serialize(chunk, use_natural_foreign_keys=True)
            chunk = []
    if chunk:
        yield from serializer.serialize(chunk, use_natural_foreign_keys=True)


def _field_storage(field_label: str):
    """The storage of a file field named "app.model.field", one of the exported models'."""
    model_label, _, name = field_label.rpartition(".")
    if model_label not in EXPORTED_MODELS:
        raise ArchiveError(f"media belongs to a model this site does not restore: {field_label}")
    try:
        file_field = apps.get_model(model_label)._meta.get_field(name)
    except LookupError:
        raise ArchiveError(f"this site has no file field {field_label}") from None
    if not isinstance(file_field, models.FileField):
        raise ArchiveError(f"{field_label} is not a file field")
    return file_field.storage


def _add(tar: tarfile.TarFile, name: str, source, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    tar.addfile(info, source)


@contextmanager
def _snapshot():
    """One consistent view of the database for the whole export: a comment posted while it
    runs must not be in the archive without the rows it points to, or the archive would not
    restore. PostgreSQL needs REPEATABLE READ for that; SQLite's transaction gives it anyway."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def export_content(path: Path) -> Summary:
    """Write the archive to `path`, via a temporary file beside it: a failed export never
    leaves a truncated archive that looks like a backup."""
    summary = Summary()
    media: dict[str, str] = {}  # file name: the field ("app.model.field") that names it
    manifest_media = []
    # mkstemp's mode 0600 stays: the archive holds password hashes and readers' e-mail addresses.
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    try:
        with _snapshot(), tarfile.open(partial, "w:gz") as tar:
            for label, model in zip(EXPORTED_MODELS, exported_models(), strict=True):
                fields = _file_fields(model)
                count = 0
                with tempfile.TemporaryFile() as data:
                    for item in _serialised(model):
                        data.write(json.dumps(item, cls=FullPrecisionEncoder, ensure_ascii=False).encode())
                        data.write(b"\n")
                        count += 1
                        for file_field in fields:
                            if name := item["fields"].get(file_field.name):
                                media.setdefault(name, f"{label}.{file_field.name}")
                        if label in DERIVED_FILES:
                            field_name, names = DERIVED_FILES[label]
                            for name in names(item["fields"]):
                                media.setdefault(name, f"{label}.{field_name}")
                    size = data.tell()
                    data.seek(0)
                    _add(tar, f"data/{label}.jsonl", data, size)
                summary.rows[label] = count
            for name, field_label in sorted(media.items()):
                try:
                    with _field_storage(field_label).open(name, "rb") as source:
                        content = source.read()
                except (FileNotFoundError, OSError):
                    # The row keeps its file name: the photo is lost already, not by this backup.
                    summary.missing_media.append(name)
                    continue
                _add(tar, f"media/{name}", io.BytesIO(content), len(content))
                manifest_media.append(
                    {
                        "name": name,
                        "field": field_label,
                        "size": len(content),
                        "sha256": hashlib.sha256(content).hexdigest(),
                    }
                )
                summary.media.append(name)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": timezone.now().isoformat(),
                "models": summary.rows,
                "media": manifest_media,
                "missing_media": summary.missing_media,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add(tar, "manifest.json", io.BytesIO(body), len(body))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return summary


def _read_manifest(tar: tarfile.TarFile) -> dict:
    manifest = json.loads(_member(tar, "manifest.json"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("this is not a newsroom content archive (no newsroom manifest.json in it)")
    if manifest.get("version") != VERSION:
        raise ArchiveError(
            f"archive format version {manifest.get('version')!r}; this site reads version {VERSION}"
        )
    unknown = set(manifest.get("models", {})) - set(EXPORTED_MODELS)
    if unknown:
        raise ArchiveError(
            f"the archive holds models this site does not restore: {', '.join(sorted(unknown))}"
        )
    for entry in manifest.get("media", []):
        try:
            validate_file_name(entry["name"], allow_relative_path=True)
        except (SuspiciousFileOperation, KeyError, TypeError) as error:
            raise ArchiveError(f"unsafe media file name in the manifest: {entry!r}") from error
        _field_storage(str(entry.get("field")))
    return manifest


def _open_member(tar: tarfile.TarFile, name: str):
    try:
        member = tar.getmember(name)
    except KeyError:
        raise ArchiveError(f"the archive has no {name}") from None
    source = tar.extractfile(member)
    if source is None:
        raise ArchiveError(f"{name} in the archive is not a file")
    return source


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    with _open_member(tar, name) as source:
        return source.read()


def _objects(tar: tarfile.TarFile, label: str) -> Iterator[dict]:
    """The rows of one model, read line by line: a large archive is never all in memory."""
    source = _open_member(tar, f"data/{label}.jsonl")
    for number, line in enumerate(source, start=1):
        try:
            item = json.loads(line)
        except ValueError:
            raise ArchiveError(f"data/{label}.jsonl line {number} is not JSON") from None
        if not isinstance(item, dict) or item.get("model") != label:
            raise ArchiveError(f"data/{label}.jsonl line {number} is not a {label} row")
        yield item


def non_empty_models() -> dict[str, int]:
    counts = {
        label: model._base_manager.count()
        for label, model in zip(EXPORTED_MODELS, exported_models(), strict=True)
    }
    return {label: count for label, count in counts.items() if count}


def import_content(path: Path) -> Summary:
    """Restore the archive at `path` into an empty database, all or nothing."""
    try:
        tar = tarfile.open(path, "r:gz")
    except FileNotFoundError:
        raise ArchiveError(f"no such file: {path}") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise ArchiveError(f"not a readable .tar.gz archive ({error})") from None
    with tar:
        try:
            manifest = _read_manifest(tar)
        except (ValueError, tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise ArchiveError(f"the archive's manifest cannot be read ({error})") from None
        if occupied := non_empty_models():
            held = ", ".join(f"{label} ({count})" for label, count in occupied.items())
            raise ArchiveError(
                f"the database is not empty: it already holds {held}. Restore into a freshly migrated "
                "database, and create a superuser only after the restore: the archive brings its users"
            )
        media = _checked_media(tar, manifest)
        written: list[tuple[str, object]] = []
        try:
            with transaction.atomic():
                summary = _load_rows(tar, manifest)
                for name, storage in media:
                    if storage.exists(name):
                        continue  # the very same bytes, checked above
                    with _open_member(tar, f"media/{name}") as source:
                        saved = storage.save(name, File(source, name=name))
                    written.append((saved, storage))
                    if saved != name:
                        raise ArchiveError(f"media file {name} could not be restored under its own name")
                    summary.media.append(name)
        except BaseException:
            # The rows are rolled back; files written for them would only be litter.
            for name, storage in written:
                storage.delete(name)
            raise
    summary.missing_media = list(manifest.get("missing_media", []))
    return summary


def _sha256(source) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: source.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _checked_media(tar: tarfile.TarFile, manifest: dict) -> list[tuple[str, object]]:
    """Every media file with its storage, each checked against the manifest (and against a
    file already stored under its name) before anything is written."""
    media = []
    for entry in manifest.get("media", []):
        name, storage = entry["name"], _field_storage(entry["field"])
        try:
            with _open_member(tar, f"media/{name}") as source:
                digest = _sha256(source)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise ArchiveError(f"media/{name} cannot be read ({error})") from None
        if digest != entry.get("sha256"):
            raise ArchiveError(f"media/{name} is damaged: its checksum does not match the manifest")
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                if _sha256(existing) != digest:
                    raise ArchiveError(
                        f"the media storage already has a different file named {name}: restore into "
                        "an empty media storage"
                    )
        media.append((name, storage))
    return media


def _load_rows(tar: tarfile.TarFile, manifest: dict) -> Summary:
    summary = Summary()
    models_by_label = dict(zip(EXPORTED_MODELS, exported_models(), strict=True))
    body = models_by_label["articles.article"]._meta.get_field("body")
    with connection.constraint_checks_disabled():
        for label, model in models_by_label.items():
            if label not in manifest["models"]:
                continue
            count = 0
            try:
                for item in serializers.deserialize("python", _objects(tar, label)):
                    if model is models_by_label["articles.article"]:
                        # Stored without save(): the archive may come from anywhere.
                        item.object.body = body.sanitize(item.object.body)
                    item.save()
                    count += 1
            except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
                raise ArchiveError(f"data/{label}.jsonl cannot be read ({error})") from None
            except (
                DeserializationError,
                DatabaseError,
                ValidationError,
                ObjectDoesNotExist,
                LookupError,
                TypeError,
                ValueError,
                AttributeError,
            ) as error:
                # A foreign or hand-edited archive: say which rows, and load none of them.
                raise ArchiveError(f"{label} rows cannot be restored: {error}") from None
            if count != manifest["models"][label]:
                raise ArchiveError(
                    f"data/{label}.jsonl has {count} rows, the manifest says {manifest['models'][label]}"
                )
            summary.rows[label] = count
    try:
        connection.check_constraints(table_names=[model._meta.db_table for model in models_by_label.values()])
    except DatabaseError as error:
        raise ArchiveError(f"the archive's rows point to rows it does not have: {error}") from None
    # Rows came with their ids: move each table's id sequence past them (PostgreSQL).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_by_label.values())):
            cursor.execute(sql)
    return summary
