"""Backup and restore of the embedded default: the SQLite database, MEDIA_ROOT and
PRIVATE_MEDIA_ROOT, in one directory that describes itself (docs/operations/backup-restore.md).

A backup directory holds

    db.sqlite3      a consistent snapshot, taken with SQLite's online backup API (the site may run)
    media/          a copy of MEDIA_ROOT
    private/        a copy of PRIVATE_MEDIA_ROOT
    manifest.json   when and by which code it was made, the row count of every table and the
                    SHA-256 and size of every file, all read from the backup itself

Plain functions over paths and sqlite3 connections, so that `manage.py backup_site`,
`restore_site` and `verify_backup` and a hand-written shell procedure do the same thing.
The rules they keep:

- database first, then files: the app writes a file before the record that names it, so every
  record of the snapshot has its file (extra files from the seconds after do no harm);
- a backup is checked in full before anything is restored: a damaged one writes nothing;
- a restore never deletes: data already at the target is refused, or with `force` moved aside;
- a restore is checked after the copy, against the manifest, table by table and file by file.

The manifest detects damage, not a deliberate edit (it is not signed): keep backups where only
the operators can write. PostgreSQL is out of scope here: pg_dump is the tool for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

MANIFEST = "manifest.json"
DATABASE = "db.sqlite3"
FORMAT = 1
DOCS = "docs/operations/backup-restore.md"
# Files SQLite keeps beside a database. A leftover journal or WAL would be replayed into the
# restored database on its first opening, so they count as data at the target.
SIDECARS = ("-journal", "-wal", "-shm")
# How long a backup waits for a write lock on the site's database to clear (seconds).
LOCK_PATIENCE = 60


class BackupError(Exception):
    """Refused or failed; the message tells the operator why and what to do."""


@dataclass(frozen=True)
class Layout:
    """Where a database file and the two file trees are: the live site, or a backup directory."""

    database: Path
    media: Path
    private: Path

    @classmethod
    def of_backup(cls, directory: Path) -> Layout:
        directory = Path(directory)
        return cls(directory / DATABASE, directory / "media", directory / "private")

    def trees(self) -> dict[str, Path]:
        return {"media": self.media, "private": self.private}


@dataclass
class Restored:
    manifest: dict
    moved_aside: list[Path] = field(default_factory=list)


def timestamp(now: datetime | None = None) -> str:
    """UTC, sortable, safe in a file name: 20261203-101500."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")


# --- The live site ----------------------------------------------------------------------------


def require_sqlite(connection) -> None:
    """Raise BackupError unless the Django `connection` is SQLite."""
    if connection.vendor != "sqlite":
        raise BackupError(
            f"The database is {connection.display_name}, not SQLite: these commands only back up "
            "the embedded SQLite database. Back it up with pg_dump and copy MEDIA_ROOT and "
            f"PRIVATE_MEDIA_ROOT as {DOCS} shows."
        )


def configured_layout(connection) -> Layout:
    """The site's database file, MEDIA_ROOT and PRIVATE_MEDIA_ROOT, from the settings."""
    from django.conf import settings

    from lms.storage import uses_local_files

    require_sqlite(connection)
    if not uses_local_files(settings.STORAGES):
        raise BackupError(
            "Media and private files are in object storage (S3_BUCKET is set), not in MEDIA_ROOT "
            "and PRIVATE_MEDIA_ROOT: these commands only back up files on this machine. Protect "
            "the buckets with versioning or replication as docs/operations/object-storage.md "
            "shows."
        )
    return Layout(
        Path(connection.settings_dict["NAME"]),
        Path(settings.MEDIA_ROOT),
        Path(settings.PRIVATE_MEDIA_ROOT),
    )


def require_database_file(connection) -> None:
    """Raise BackupError unless the Django `connection` is a SQLite database file."""
    require_sqlite(connection)
    if connection.is_in_memory_db():
        raise BackupError("The database is in memory: there is no file to restore into.")


def default_destination() -> Path:
    from django.conf import settings

    return Path(settings.BASE_DIR) / "var" / "backups" / timestamp()


# --- Taking a backup --------------------------------------------------------------------------


def create_backup(destination: Path, *, source: sqlite3.Connection, site: Layout) -> dict:
    """Snapshot `source` (an open sqlite3 connection to the site's database), then copy the
    site's file trees, into `destination`, which must not exist or be empty. Returns the
    manifest, also written to `destination`/manifest.json."""
    destination = Path(destination)
    _refuse_destination(destination, site)
    created = not destination.exists()
    # Only operators should read a backup: it holds every record and every private file.
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    backup = Layout.of_backup(destination)
    try:
        copy_database(source, backup.database)
        for name, root in site.trees().items():
            copy_tree(root, backup.trees()[name])
    except BaseException:
        # Half a backup must not lie around looking like one (it was empty: nothing else is lost).
        _empty(destination, remove=created)
        raise
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": app_version(),
        "sqlite_version": sqlite3.sqlite_version,
        **snapshot(backup, with_migrations=True),
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False)
    (destination / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return manifest


def _refuse_destination(destination: Path, site: Layout) -> None:
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} already exists and is not empty; choose another.")
    inside = destination.resolve()
    for root in site.trees().values():
        if inside.is_relative_to(Path(root).resolve()):
            # The copy of the tree would contain itself.
            raise BackupError(f"{destination} is inside {root}; choose a place outside it.")


def _empty(directory: Path, *, remove: bool) -> None:
    if remove:
        shutil.rmtree(directory, ignore_errors=True)
        return
    for path in directory.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def copy_database(source: sqlite3.Connection, path: Path, *, patience: float | None = None) -> None:
    """SQLite's online backup: a consistent copy even while the site writes (a plain file copy
    taken during a write is corrupt). Raises BackupError if the database stays locked for
    `patience` seconds."""
    patience = LOCK_PATIENCE if patience is None else patience
    deadline = time.monotonic() + patience

    def give_up_when_locked_too_long(status, remaining, total):
        # Python retries a locked step for ever; an operator (or cron) needs an answer.
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(
                f"The database stayed locked for {patience:g} s (a long write, or a transaction "
                "left open by this process?); nothing usable was written. Try again."
            )

    with closing(sqlite3.connect(path)) as target:
        source.backup(target, progress=give_up_when_locked_too_long)
        # One self-contained file, whatever mode the site's database runs in.
        target.execute("PRAGMA journal_mode=DELETE")


def copy_tree(root: Path, destination: Path) -> None:
    """Copy a file tree (a missing one as an empty directory), keeping times and modes."""
    root = Path(root)
    if root.is_dir():
        shutil.copytree(root, destination, copy_function=shutil.copy2, dirs_exist_ok=True)
    else:
        destination.mkdir(parents=True, exist_ok=True)


def app_version() -> str:
    try:
        return metadata.version("lms-giamdocso")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Describing a database and its files ------------------------------------------------------


def snapshot(layout: Layout, *, with_migrations: bool = False) -> dict:
    """Row counts of every table and digests of every file under `layout`: what a manifest
    records, and what a restore is compared with."""
    with closing(open_read_only(layout.database)) as connection:
        described = {"tables": row_counts(connection)}
        if with_migrations:
            described["migrations"] = latest_migrations(connection)
    described["files"] = file_digests(layout)
    return described


def open_read_only(path: Path) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise BackupError(f"{path}: no such database file.")
    # mode=ro: checking a backup or a restore must never change the file it checks.
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows of every table, SQLite's own (sqlite_sequence, sqlite_stat1) aside."""
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if not name.startswith("sqlite_")
    ]
    return {name: _count(connection, name) for name in names}


def _count(connection: sqlite3.Connection, table: str) -> int:
    quoted = '"' + table.replace('"', '""') + '"'
    # The name comes from sqlite_master and is quoted as an identifier: nothing to inject.
    return connection.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]  # noqa: S608


def latest_migrations(connection: sqlite3.Connection) -> dict[str, str]:
    """The last migration applied to each app: which code the database belongs to."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
    ).fetchone()
    if not exists:
        return {}
    rows = connection.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(rows.fetchall())


def file_digests(layout: Layout) -> dict[str, dict]:
    """{"db.sqlite3" | "media/…" | "private/…": {"sha256", "size"}} for every file."""
    return {name: _digest(path) for name, path in _files(layout)}


def _files(layout: Layout) -> Iterator[tuple[str, Path]]:
    if layout.database.is_file():
        yield DATABASE, layout.database
    for name, root in layout.trees().items():
        if Path(root).is_dir():
            for path in sorted(Path(root).rglob("*")):
                if path.is_file():
                    yield f"{name}/{path.relative_to(root).as_posix()}", path


def _digest(path: Path) -> dict:
    with path.open("rb") as file:
        sha256 = hashlib.file_digest(file, "sha256").hexdigest()
    return {"sha256": sha256, "size": path.stat().st_size}


def differences(expected: dict, actual: dict) -> list[str]:
    """What differs between two snapshots (a manifest and a recount), one line per problem."""
    problems = []
    for kind, noun in (("files", "file"), ("tables", "table")):
        want, have = expected.get(kind, {}), actual.get(kind, {})
        problems += [f"missing {noun}: {name}" for name in sorted(want.keys() - have.keys())]
        problems += [f"unexpected {noun}: {name}" for name in sorted(have.keys() - want.keys())]
        problems += [
            f"{noun} differs: {name} ({_show(want[name])} expected, {_show(have[name])} found)"
            for name in sorted(want.keys() & have.keys())
            if want[name] != have[name]
        ]
    return problems


def _show(value) -> str:
    if isinstance(value, dict):
        return f"{value['size']} bytes, sha256 {value['sha256'][:12]}…"
    return f"{value} rows"


def totals(manifest: dict) -> tuple[int, int, int]:
    """(tables, rows, files of media and private): the one-line summary an operator reads."""
    tables = manifest["tables"]
    files = [name for name in manifest["files"] if name != DATABASE]
    return len(tables), sum(tables.values()), len(files)


# --- Checking and restoring -------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            f"{path} not found: {directory} is not a backup of backup_site."
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is damaged ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown manifest format; made by another version?")
    return manifest


def verify_backup(directory: Path) -> dict:
    """Check every file of a backup against its manifest, then recount its database's rows.
    Returns the manifest; raises BackupError listing each problem."""
    manifest = read_manifest(directory)
    backup = Layout.of_backup(directory)
    # Files first: recounting rows of a damaged database could fail or mislead.
    problems = differences({"files": manifest["files"]}, {"files": file_digests(backup)})
    if not problems:
        try:
            problems = differences(manifest, snapshot(backup))
        except sqlite3.DatabaseError as error:
            problems = [f"{DATABASE} cannot be read: {error}"]
    if problems:
        raise BackupError(_listing(f"The backup {directory} is damaged", problems))
    return manifest


def occupied(site: Layout) -> list[Path]:
    """What already holds data where a restore would write."""
    paths = []
    database = site.database
    if database.is_file() and database.stat().st_size > 0:
        paths.append(database)
    paths += [
        Path(f"{database}{suffix}") for suffix in SIDECARS if Path(f"{database}{suffix}").exists()
    ]
    paths += [
        root
        for root in site.trees().values()
        if root.is_dir() and any(path.is_file() for path in root.rglob("*"))
    ]
    return paths


def restore_backup(directory: Path, site: Layout, *, force: bool = False) -> Restored:
    """Restore a backup into `site` (the database file and the two trees), then check the
    result against the manifest. A damaged backup is refused before anything is written; data
    already at the target is refused, or with `force` renamed to <name>.before-restore-<UTC
    time>, never deleted. Raises BackupError."""
    manifest = verify_backup(directory)
    in_the_way = occupied(site)
    if in_the_way and not force:
        raise BackupError(
            _listing("The target already holds data; nothing was restored", in_the_way)
            + "\nRestore into an empty place, or use --force to move these aside first."
        )
    stamp = timestamp()  # one for all, so that what was moved aside together reads as such
    restored = Restored(manifest, [move_aside(path, stamp) for path in in_the_way])
    try:
        _copy_backup(Layout.of_backup(directory), site)
        problems = differences(manifest, snapshot(site))
    except OSError as error:
        problems = [f"copying failed: {error}"]
    if problems:
        aside = "".join(f"\nWhat was there before is now {path}" for path in restored.moved_aside)
        raise BackupError(_listing("The restored data differs from the backup", problems) + aside)
    return restored


def _copy_backup(backup: Layout, site: Layout) -> None:
    _copy_database_file(backup.database, site.database)
    for name, root in backup.trees().items():
        copy_tree(root, site.trees()[name])


def move_aside(path: Path, stamp: str) -> Path:
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    if aside.exists():
        raise BackupError(f"{aside} already exists; wait a second and try again.")
    path.rename(aside)
    return aside


def _copy_database_file(source: Path, target: Path) -> None:
    # Under a temporary name, then renamed: the database path never holds half a file.
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def newer_migrations(manifest: dict) -> list[str]:
    """Migrations the backup's database has that this code does not: it was made by a newer
    version, which must be installed before the site starts."""
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [
        f"{app}.{name}"
        for app, name in sorted(manifest.get("migrations", {}).items())
        if (app, name) not in known
    ]


def _listing(heading: str, items) -> str:
    shown = [str(item) for item in items]
    more = f"\n  … and {len(shown) - 20} more" if len(shown) > 20 else ""
    return f"{heading}:\n" + "\n".join(f"  {item}" for item in shown[:20]) + more
