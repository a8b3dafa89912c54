"""Storage classes named in STORAGES by lms.storage (imported only when S3 is configured)."""

from __future__ import annotations

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Final reports, certificate PDFs, enrolment lists and course documents in a private bucket.

    It never makes a URL: a link to the object would bypass the permission checks, so these files
    are only ever streamed by the app's views (courses.downloads.private_file_response, Wagtail's
    document view). Raising NotImplementedError is what Wagtail's document view expects from a
    storage without URLs; it then streams the file itself.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Private files have no URL: serve them through a permission-checked view."
        )
