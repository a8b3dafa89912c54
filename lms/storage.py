"""Where uploaded files live in production: local directories (the default, as in development)
or S3-compatible object storage (AWS S3, MinIO, Viettel/FPT/VNPT object storage…) when
`S3_BUCKET` is set. docs/operations/object-storage.md.

`s3_storages(environ)` only reads a mapping and returns STORAGES entries: no boto3 import, so the
settings module can call it and the tests can build exactly what production would.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
PRIVATE_S3_BACKEND = "lms.storage_backends.PrivateS3Storage"
MEDIA_LOCATION = "media"
PRIVATE_LOCATION = "private"
# Public media (Wagtail images) are linked with signed URLs that stay valid this long: a page
# rendered now shows its images for an hour, and the bucket itself needs no public access.
MEDIA_URL_SECONDS = 3600
# The private storage never hands out a URL (PrivateS3Storage.url refuses); should one be made by
# hand (an operator's script), it is short-lived.
PRIVATE_URL_SECONDS = 60
# A file read back (a download, a certificate PDF joined into a print file) is held in memory up
# to this size, then spooled to a temporary file (django-storages' default keeps it all in memory).
SPOOL_BYTES = 5 * 1024 * 1024
ADDRESSING_STYLES = ("auto", "path", "virtual")


def _value(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name) or "").strip()


def s3_storages(environ: Mapping[str, str]) -> dict:
    """The "default" and "private" STORAGES entries for S3 read from `environ` (os.environ in
    production), or {} when `S3_BUCKET` is not set: files then stay on the local disk as before.

    Raises ImproperlyConfigured for a half-made configuration, so the site refuses to start
    rather than write private files somewhere unexpected.
    """
    bucket = _value(environ, "S3_BUCKET")
    private_bucket = _value(environ, "S3_PRIVATE_BUCKET") or bucket
    if not bucket:
        if _value(environ, "S3_PRIVATE_BUCKET"):
            raise ImproperlyConfigured(
                "S3_PRIVATE_BUCKET is set but S3_BUCKET is not: set S3_BUCKET too (it may name "
                "the same bucket) or neither (docs/operations/object-storage.md)."
            )
        return {}
    access_key = _value(environ, "S3_ACCESS_KEY_ID")
    secret_key = _value(environ, "S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (then boto3's own "
            "credential chain is used: AWS_* variables, ~/.aws, an instance role)."
        )
    addressing_style = _value(environ, "S3_ADDRESSING_STYLE")
    if addressing_style and addressing_style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}, "
            f"not {addressing_style!r}."
        )
    connection = {
        key: value
        for key, value in {
            "endpoint_url": _value(environ, "S3_ENDPOINT_URL"),
            "region_name": _value(environ, "S3_REGION"),
            "access_key": access_key,
            "secret_key": secret_key,
            "addressing_style": addressing_style,
        }.items()
        if value
    }
    common = {
        **connection,
        # Never replace an object: a second file of the same name gets a new name.
        "file_overwrite": False,
        # No ACL header on upload: buckets with ACLs disabled ("bucket owner enforced", AWS's
        # default) refuse any ACL but the bucket owner's, and an object uploaded without one is
        # private (owner only) on S3, MinIO and Ceph alike. Privacy comes from the bucket:
        # Block Public Access on, no public policy (docs/operations/object-storage.md).
        "default_acl": None,
        "max_memory_size": SPOOL_BYTES,
        # Signature version 4 for signed URLs too (boto3 would sign them with the legacy v2,
        # which newer AWS regions and many S3-compatible stores refuse).
        "signature_version": "s3v4",
    }
    custom_domain = _value(environ, "S3_CUSTOM_DOMAIN")
    media = {
        **common,
        "bucket_name": bucket,
        "location": MEDIA_LOCATION,
        "querystring_auth": True,
        "querystring_expire": MEDIA_URL_SECONDS,
    }
    if custom_domain:
        # A CDN or a public-read policy on media/ serves the images: plain, cacheable URLs.
        media.update(custom_domain=custom_domain, querystring_auth=False)
    private = {
        **common,
        "bucket_name": private_bucket,
        "location": PRIVATE_LOCATION,
        "querystring_auth": True,
        "querystring_expire": PRIVATE_URL_SECONDS,
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": media},
        "private": {"BACKEND": PRIVATE_S3_BACKEND, "OPTIONS": private},
    }


def uses_local_files(storages_setting: Mapping[str, dict]) -> bool:
    """True when both the public and the private storage are directories on this machine (what
    `manage.py backup_site` can copy)."""
    local = "django.core.files.storage.FileSystemStorage"
    return all(
        storages_setting.get(alias, {}).get("BACKEND") == local for alias in ("default", "private")
    )
