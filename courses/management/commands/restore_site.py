"""`manage.py restore_site BACKUP [--force]`: put a backup of `backup_site` back into the
configured SQLite database file, MEDIA_ROOT and PRIVATE_MEDIA_ROOT (`make restore FROM=…`).

Stop the site and the task worker first. The backup is checked in full before anything is
written; data already at the target is refused, or with --force renamed to
<name>.before-restore-<UTC time> (never deleted); the result is compared with the backup's
manifest, table by table and file by file. Exit code 0 only when everything is identical.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lms import backup


class Command(BaseCommand):
    help = "Restore a backup of backup_site into the configured database and file directories."
    # No system checks: they open the database (the JSONField check), which would create an
    # empty file at the target before the restore, or fail where its directory does not exist yet.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "source", metavar="BACKUP", help="the backup directory (with manifest.json)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="move a database or files already there aside (never deleted), then restore",
        )

    def handle(self, *args, source: str, force: bool = False, **options):
        source = Path(source)
        try:
            backup.require_database_file(connection)
            site = backup.configured_layout(connection)
            result = backup.restore_backup(source, site, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for path in result.moved_aside:
            self.stdout.write(f"Moved aside: {path}")
        tables, rows, files = backup.totals(result.manifest)
        self.stdout.write(
            f"Restored {tables} tables, {rows} rows and {files} media and private files from "
            f"{source} (made {result.manifest['created_at']}): identical to the backup."
        )
        newer = backup.newer_migrations(result.manifest)
        if newer:
            self.stderr.write(
                "The backup was made by a newer version of the code (migrations unknown here: "
                f"{', '.join(newer)}). Install that version before starting the site."
            )
        else:
            self.stdout.write(
                "Next: manage.py migrate (expect no migrations), then start the site."
            )
