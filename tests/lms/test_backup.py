"""`make backup` / `make restore` (lms/backup.py; manage.py backup_site, restore_site,
verify_backup): a restore into an empty place gives the same rows and the same files, and every
refusal leaves the target as it was.

The round trip runs on the site's own SQLite test database; the refusals use a small SQLite file
of their own, so they also run in the PostgreSQL CI run."""

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.db import connection

from lms import backup
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
REPORT = "%PDF-1.7 Báo cáo thu hoạch cuối khóa".encode()

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="backup_site copies the embedded SQLite database; PostgreSQL is backed up with "
    "pg_dump (docs/operations/backup-restore.md)",
)


# --- Measured without lms.backup, so that it is not checked against itself -------------------


def sha256s(root: Path) -> dict[str, str]:
    root = Path(root)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def site_row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def file_row_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name != "sqlite_sequence"
        ]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    """manage.py in its own process, configured by the environment as an operator's shell is."""
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=os.environ
        | {"DJANGO_SETTINGS_MODULE": "lms.settings.dev", "LOG_LEVEL": "WARNING"}
        | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- The round trip on the site's database ---------------------------------------------------


@pytest.fixture
def site_data():
    """People, a cohort and an enrollment, a public image and a private report. Committed (the
    tests run with transaction=True): SQLite's backup API cannot read a test's open transaction
    on the shared in-memory test database, and the site's commands never hold one."""
    factories.enrollment(factories.cohort(), factories.UserFactory(email="hoc.vien@lms.test"))
    image = default_storage.save("original_images/anh-lop.png", ContentFile(IMAGE))
    report = storages["private"].save("reports/2026/bao-cao.pdf", ContentFile(REPORT))
    yield image, report
    default_storage.delete(image)
    storages["private"].delete(report)


@on_sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_into_an_empty_directory_gives_the_same_rows_and_files(site_data, tmp_path):
    call_command("backup_site", str(tmp_path / "backup"), stdout=io.StringIO())
    restored = tmp_path / "restored"

    result = manage(
        "restore_site",
        tmp_path / "backup",
        env={
            "DATABASE_URL": f"sqlite:///{restored / 'db.sqlite3'}",
            "MEDIA_ROOT": str(restored / "media"),
            "PRIVATE_MEDIA_ROOT": str(restored / "private"),
            "STATIC_ROOT": str(tmp_path / "static"),
        },
    )

    assert result.returncode == 0, result.stderr
    assert "identical to the backup" in result.stdout
    assert file_row_counts(restored / "db.sqlite3") == site_row_counts()
    assert sha256s(restored / "media") == sha256s(settings.MEDIA_ROOT)
    assert sha256s(restored / "private") == sha256s(settings.PRIVATE_MEDIA_ROOT)
    image, report = site_data
    assert (restored / "media" / image).read_bytes() == IMAGE
    assert (restored / "private" / report).read_bytes() == REPORT
    with closing(sqlite3.connect(restored / "db.sqlite3")) as db:
        emails = {email for (email,) in db.execute("SELECT email FROM accounts_user")}
    assert "hoc.vien@lms.test" in emails


@on_sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_counts_every_table_of_its_copy_and_names_every_file(site_data, tmp_path, settings):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()

    call_command("backup_site", stdout=out)

    destination = Path(out.getvalue().splitlines()[-1])
    assert destination.parent == tmp_path / "var" / "backups"
    assert re.fullmatch(r"\d{8}-\d{6}", destination.name)
    manifest = json.loads((destination / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"] == site_row_counts()
    _, report = site_data
    digest = manifest["files"][f"private/{report}"]
    assert digest == {"sha256": hashlib.sha256(REPORT).hexdigest(), "size": len(REPORT)}
    assert "courses" in manifest["migrations"]
    assert "signing keys" in out.getvalue()  # they are secrets, not in the backup


# --- Refusals, on a small SQLite site of their own -------------------------------------------


def layout(directory: Path) -> backup.Layout:
    return backup.Layout(directory / "db.sqlite3", directory / "media", directory / "private")


@pytest.fixture
def small_site(tmp_path) -> backup.Layout:
    site = layout(tmp_path / "site")
    (site.private / "reports").mkdir(parents=True)
    site.media.mkdir()
    (site.media / "anh.png").write_bytes(IMAGE)
    (site.private / "reports" / "bao-cao.pdf").write_bytes(REPORT)
    with closing(sqlite3.connect(site.database)) as db, db:
        db.execute("CREATE TABLE hoc_vien (ten TEXT)")
        db.executemany("INSERT INTO hoc_vien VALUES (?)", [("An",), ("Bình",), ("Lan",)])
    return site


@pytest.fixture
def small_backup(small_site, tmp_path) -> Path:
    with closing(sqlite3.connect(small_site.database)) as source:
        backup.create_backup(tmp_path / "backup", source=source, site=small_site)
    return tmp_path / "backup"


def damage_report(directory: Path):
    (directory / "private" / "reports" / "bao-cao.pdf").write_bytes(REPORT + b" ")


def lose_image(directory: Path):
    (directory / "media" / "anh.png").unlink()


def add_a_file(directory: Path):
    (directory / "private" / "la.txt").write_text("not from the site", encoding="utf-8")


def alter_database(directory: Path):
    with closing(sqlite3.connect(directory / "db.sqlite3")) as db, db:
        db.execute("DELETE FROM hoc_vien WHERE ten = 'Lan'")


@pytest.mark.parametrize(
    ("damage", "reported"),
    [
        (damage_report, "file differs: private/reports/bao-cao.pdf"),
        (lose_image, "missing file: media/anh.png"),
        (add_a_file, "unexpected file: private/la.txt"),
        (alter_database, "file differs: db.sqlite3"),
    ],
)
def test_a_damaged_backup_is_refused_before_anything_is_written(
    small_backup, tmp_path, damage, reported
):
    damage(small_backup)
    target = layout(tmp_path / "restored")

    with pytest.raises(backup.BackupError, match=re.escape(reported)):
        backup.restore_backup(small_backup, target)

    assert not (tmp_path / "restored").exists()
    with pytest.raises(CommandError, match=re.escape(reported)):
        call_command("verify_backup", str(small_backup))


def test_an_intact_backup_verifies_and_restores_identically(small_site, small_backup, tmp_path):
    out = io.StringIO()
    call_command("verify_backup", str(small_backup), stdout=out)
    assert "is intact: 1 tables, 3 rows, 2 media and private files" in out.getvalue()

    target = layout(tmp_path / "restored")
    backup.restore_backup(small_backup, target)

    assert file_row_counts(target.database) == {"hoc_vien": 3}
    assert sha256s(target.media) == sha256s(small_site.media)
    assert sha256s(target.private) == sha256s(small_site.private)


def a_database(target: backup.Layout):
    target.database.write_bytes(b"the site's current database")


def a_media_file(target: backup.Layout):
    target.media.mkdir()
    (target.media / "moi.png").write_bytes(b"uploaded since the backup")


def a_leftover_journal(target: backup.Layout):
    # SQLite would replay it into the restored database on first opening.
    Path(f"{target.database}-wal").write_bytes(b"write-ahead log of another database")


@pytest.mark.parametrize("existing", [a_database, a_media_file, a_leftover_journal])
def test_restore_into_a_target_that_holds_data_is_refused_and_leaves_it_as_it_was(
    small_backup, tmp_path, existing
):
    target = layout(tmp_path / "restored")
    target.database.parent.mkdir()
    existing(target)
    before = sha256s(tmp_path / "restored")

    with pytest.raises(backup.BackupError, match="already holds data; nothing was restored"):
        backup.restore_backup(small_backup, target)

    assert sha256s(tmp_path / "restored") == before


def test_force_moves_what_was_there_aside_then_restores(small_site, small_backup, tmp_path):
    target = layout(tmp_path / "restored")
    target.database.parent.mkdir()
    a_database(target)
    a_media_file(target)

    result = backup.restore_backup(small_backup, target, force=True)

    assert {path.name.split(".before-restore-")[0] for path in result.moved_aside} == {
        "db.sqlite3",
        "media",
    }
    kept = {path.name.split(".before-restore-")[0]: path for path in result.moved_aside}
    assert kept["db.sqlite3"].read_bytes() == b"the site's current database"
    assert (kept["media"] / "moi.png").read_bytes() == b"uploaded since the backup"
    assert file_row_counts(target.database) == {"hoc_vien": 3}
    assert sha256s(target.media) == sha256s(small_site.media)


def test_backup_refuses_a_destination_that_is_not_empty(small_site, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "ghi-chu.txt").write_text("x", encoding="utf-8")

    with (
        closing(sqlite3.connect(small_site.database)) as source,
        pytest.raises(backup.BackupError, match="not empty"),
    ):
        backup.create_backup(tmp_path / "backup", source=source, site=small_site)

    assert [path.name for path in (tmp_path / "backup").iterdir()] == ["ghi-chu.txt"]


def test_a_database_locked_too_long_is_reported_and_leaves_no_half_backup(
    small_site, tmp_path, monkeypatch
):
    monkeypatch.setattr(backup, "LOCK_PATIENCE", 0.5)
    with closing(sqlite3.connect(small_site.database, isolation_level=None)) as writer:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("INSERT INTO hoc_vien VALUES ('Dũng')")
        with (
            closing(sqlite3.connect(small_site.database, timeout=0.1)) as source,
            pytest.raises(backup.BackupError, match="stayed locked"),
        ):
            backup.create_backup(tmp_path / "backup", source=source, site=small_site)

    assert not (tmp_path / "backup").exists()


def test_backup_and_restore_refuse_postgresql_and_point_to_pg_dump(tmp_path, monkeypatch):
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection, "vendor", "postgresql")
        monkeypatch.setattr(connection, "display_name", "PostgreSQL")

    with pytest.raises(CommandError, match="The database is PostgreSQL, not SQLite") as refused:
        call_command("backup_site", str(tmp_path / "backup"))
    assert "pg_dump" in str(refused.value)
    assert "docs/operations/backup-restore.md" in str(refused.value)
    assert not (tmp_path / "backup").exists()
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("restore_site", str(tmp_path / "backup"))
