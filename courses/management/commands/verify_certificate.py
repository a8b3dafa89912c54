"""`manage.py verify_certificate FILE`: every check of a certificate PDF or credential file,
against the keys this site published and its revocation lists, read from the database (no web
server needed). Exit code 0 only when every check holds.

For checking without the database or the site at all, see `courses.certificate_verifier`
(``lms-verify-certificate FILE --keys keys.json``).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from courses import certificate_keys, certificate_verifier


class Command(BaseCommand):
    help = "Check a certificate PDF or its credential (.jwt): signatures, changes, revocation."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the certificate PDF or credential file")
        parser.add_argument(
            "--keys", help="a key set (JSON) to use instead of the one this site publishes"
        )
        parser.add_argument(
            "--trust", action="append", help="a CA root certificate (PEM or DER) to trust too"
        )
        parser.add_argument(
            "--offline",
            action="store_true",
            help="do not check the revocation list (as a verifier without our database would)",
        )
        parser.add_argument("--lang", default="vi", choices=["vi", "en"])

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["keys"]:
            jwks = json.loads(Path(options["keys"]).read_text(encoding="utf-8"))
        else:
            jwks = certificate_keys.published_key_set()
        report = certificate_verifier.verify(
            path.read_bytes(),
            certificate_verifier.KeySet.from_jwks(jwks),
            fetch=None if options["offline"] else certificate_keys.local_status_fetch,
            trust_roots=certificate_verifier.load_trust_roots(options["trust"]),
        )
        with translation.override(options["lang"]):
            certificate_verifier.print_report(report, out=self.stdout, translate=gettext)
        if not report.valid:
            sys.exit(1)
