"""`manage.py verify_backup BACKUP`: check a backup of `backup_site` without restoring it —
every file against its SHA-256 and size in the manifest, and the row count of every table of
its database. Needs no database of its own; exit code 0 only when the backup is intact.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms import backup


class Command(BaseCommand):
    help = "Check a backup of backup_site (checksums and row counts) without restoring it."
    # It reads only the backup: the system checks would open the site's database for nothing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "source", metavar="BACKUP", help="the backup directory (with manifest.json)"
        )

    def handle(self, *args, source: str, **options):
        try:
            manifest = backup.verify_backup(Path(source))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        tables, rows, files = backup.totals(manifest)
        self.stdout.write(
            f"Backup {source} is intact: {tables} tables, {rows} rows, {files} media and private "
            f"files (made {manifest['created_at']} by version {manifest['version']})."
        )
