"""`manage.py backup_site [DEST]`: the SQLite database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT into
one directory with a manifest (`make backup`). Safe while the site runs. The last line printed
is the backup's path, for scripts (`make -s backup | tail -n 1`).

SQLite only: with PostgreSQL it refuses and points to pg_dump (docs/operations/backup-restore.md).
The signing keys and the environment are secrets, kept out of the daily backups on purpose.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lms import backup


class Command(BaseCommand):
    help = "Back up the SQLite database and the media and private files into one directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            help="a new or empty directory (default: var/backups/<UTC time>)",
        )

    def handle(self, *args, destination=None, **options):
        try:
            backup.require_sqlite(connection)
            destination = Path(destination) if destination else backup.default_destination()
            site = backup.configured_layout(connection)
            connection.ensure_connection()
            manifest = backup.create_backup(destination, source=connection.connection, site=site)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        tables, rows, files = backup.totals(manifest)
        size = manifest["files"][backup.DATABASE]["size"]
        self.stdout.write(
            f"Backup complete: {tables} tables, {rows} rows ({size / 1e6:.1f} MB), "
            f"{files} media and private files."
        )
        self.stdout.write(
            "Not included: the signing keys and .env (secrets: keep an encrypted copy apart)."
        )
        self.stdout.write(str(destination.resolve()))
