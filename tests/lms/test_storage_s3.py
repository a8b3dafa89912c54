"""Media and private files in S3-compatible object storage (production with S3_BUCKET set).

The storages are the ones production builds (lms.storage.s3_storages), against moto's in-memory
S3: no network, no bucket of our own. docs/operations/object-storage.md.
"""

from __future__ import annotations

import io
import json

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from moto import mock_aws
from PIL import Image as PILImage
from storages.backends.s3 import S3Storage

from lms import backup
from lms.storage import s3_storages, uses_local_files
from lms.storage_backends import PrivateS3Storage
from tests import factories
from tests.courses.certificate_helpers import (
    eligible_participant,
    issue_for,
    use_fake_renderer,
    use_signing_key,
)
from tests.courses.report_helpers import assignment, hand_in, pdf, person, submission_of
from tests.lms.test_settings_production import run

REGION = "ap-southeast-1"
MEDIA_BUCKET = "lms-media"
PRIVATE_BUCKET = "lms-private"
ENV = {
    "S3_BUCKET": MEDIA_BUCKET,
    "S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
    "S3_REGION": REGION,
    "S3_ACCESS_KEY_ID": "testing-key",
    "S3_SECRET_ACCESS_KEY": "testing-secret",
}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
REPORT_NAME = "Báo cáo thu hoạch.pdf"


def make_client(**config):
    return boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id=ENV["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=ENV["S3_SECRET_ACCESS_KEY"],
        config=Config(**config) if config else None,
    )


def make_bucket(client, name, *, block_public=True):
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    if block_public:
        client.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )


@pytest.fixture
def s3(settings):
    """Two buckets set up as the operations guide says, and the production S3 storages."""
    with mock_aws():
        client = make_client()
        make_bucket(client, MEDIA_BUCKET)
        make_bucket(client, PRIVATE_BUCKET)
        # Through pytest-django's `settings`, so that a test changing other settings unwinds
        # in order (a nested override_settings would leave the S3 storages to the next test).
        settings.STORAGES = {**settings.STORAGES, **s3_storages(ENV)}
        yield client


def keys(client, bucket):
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def anonymous_url(bucket, key):
    """The object's plain S3 URL, as a browser would try it: no signature, no credentials."""
    return make_client(signature_version=UNSIGNED).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}
    )


def public_grants(client, bucket, key):
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return [g for g in grants if g["Grantee"].get("URI") in (ALL_USERS, AUTHENTICATED_USERS)]


@pytest.fixture
def cohort(db):
    from tests.content.conftest import make_program

    made = factories.cohort(make_program(1, with_extras=False))
    made.field_study_required = False
    made.save(update_fields=["field_study_required"])
    return made


# --- Final reports -----------------------------------------------------------------------------


def test_a_final_report_is_a_private_object_streamed_only_by_the_permission_checked_view(
    s3, cohort, client
):
    assignment(cohort)
    author = person(cohort, "Trần Thị", "Bình")
    classmate = person(cohort, "Nguyễn Văn", "An")
    hand_in(author, name=REPORT_NAME)
    version = submission_of(author).versions.get()

    # Stored under private/ in the private bucket, nothing in the media bucket.
    key = f"private/{version.storage_name}"
    assert version.storage_name.startswith(f"reports/{cohort.pk}/")
    assert keys(s3, PRIVATE_BUCKET) == [key]
    assert keys(s3, MEDIA_BUCKET) == []
    assert s3.get_object(Bucket=PRIVATE_BUCKET, Key=key)["Body"].read() == pdf()

    # No ACL grant to everyone or to any AWS account, and a plain GET is refused.
    assert public_grants(s3, PRIVATE_BUCKET, key) == []
    assert requests.get(anonymous_url(PRIVATE_BUCKET, key), timeout=5).status_code == 403
    # The storage makes no URL at all: nothing in the app can hand one out.
    with pytest.raises(NotImplementedError):
        storages["private"].url(version.storage_name)

    url = reverse("courses:report_file", args=[version.pk])
    client.force_login(author.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Bao cao thu hoach.pdf"; '
        "filename*=utf-8''B%C3%A1o%20c%C3%A1o%20thu%20ho%E1%BA%A1ch.pdf"
    )
    assert response["Cache-Control"] == "private, no-store"

    client.force_login(classmate.user)
    assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302


def test_a_missing_object_is_a_404_not_an_error(s3, cohort, client):
    assignment(cohort)
    author = person(cohort, "Trần Thị", "Bình")
    hand_in(author)
    version = submission_of(author).versions.get()
    s3.delete_object(Bucket=PRIVATE_BUCKET, Key=f"private/{version.storage_name}")
    client.force_login(author.user)
    assert client.get(reverse("courses:report_file", args=[version.pk])).status_code == 404


def test_the_anonymous_check_would_see_a_public_object(s3):
    """The control for the 403 above: the same plain GET reads an object that is public."""
    make_bucket(s3, "lms-control", block_public=False)
    s3.put_object(Bucket="lms-control", Key="open.txt", Body=b"open", ACL="public-read")
    response = requests.get(anonymous_url("lms-control", "open.txt"), timeout=5)
    assert (response.status_code, response.content) == (200, b"open")
    assert public_grants(s3, "lms-control", "open.txt") != []


def test_two_files_of_the_same_name_never_overwrite_each_other(s3):
    storage = storages["private"]
    first = storage.save("certificates/2026/x.pdf", io.BytesIO(b"first"))
    second = storage.save("certificates/2026/x.pdf", io.BytesIO(b"second"))
    assert first != second
    with storage.open(first, "rb") as handle:
        assert handle.read() == b"first"


# --- Certificates ------------------------------------------------------------------------------


def test_an_issued_certificate_pdf_is_stored_in_the_private_bucket(
    s3, cohort, client, monkeypatch, settings, tmp_path
):
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)
    assignment(cohort)
    member = eligible_participant(cohort)
    certificate = issue_for(member, factories.school_staff())

    key = f"private/{certificate.pdf_name}"
    assert key.startswith("private/certificates/")
    assert key in keys(s3, PRIVATE_BUCKET)
    assert not any(k.startswith("private/certificates/") for k in keys(s3, MEDIA_BUCKET))
    stored = s3.get_object(Bucket=PRIVATE_BUCKET, Key=key)["Body"].read()
    assert public_grants(s3, PRIVATE_BUCKET, key) == []
    assert requests.get(anonymous_url(PRIVATE_BUCKET, key), timeout=5).status_code == 403

    client.force_login(member.user)
    response = client.get(reverse("courses:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    assert response["Content-Disposition"].startswith("attachment;")


# --- Course documents (Wagtail documents in the private storage) ---------------------------


def test_a_course_document_is_private_and_streamed_by_wagtails_view(
    s3, client, monkeypatch, participant, instructor
):
    from wagtail.documents import get_document_model

    Document = get_document_model()
    # The field resolves its storage when models load: production loads them with S3 settings.
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storages["private"])
    document = Document(title="Bản nháp")
    document.file.save("nhap.pdf", ContentFile(b"%PDF-1.4 nhap"), save=False)
    document.save()

    key = f"private/{document.file.name}"
    assert key.startswith("private/documents/")
    assert keys(s3, PRIVATE_BUCKET) == [key]
    assert public_grants(s3, PRIVATE_BUCKET, key) == []
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018
    assert document.url.startswith("/documents/")

    client.force_login(participant)
    assert client.get(document.url).status_code == 403
    client.force_login(instructor)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 nhap"


# --- Public media (Wagtail images) ----------------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_wagtail_image_and_its_rendition_go_to_the_media_bucket(s3, db):
    from wagtail.images import get_image_model

    image = get_image_model()(title="Sơ đồ", file=ImageFile(io.BytesIO(png_bytes()), "so-do.png"))
    image.save()
    rendition = image.get_rendition("fill-4x4")

    media = keys(s3, MEDIA_BUCKET)
    assert f"media/{image.file.name}" in media
    assert f"media/{rendition.file.name}" in media
    assert all(key.startswith("media/") for key in media)
    assert keys(s3, PRIVATE_BUCKET) == []
    assert (image.width, image.height) == (8, 6)

    # Linked with a signed URL that works; the bare object stays closed (no public bucket).
    assert "X-Amz-Signature=" in rendition.url
    assert requests.get(rendition.url, timeout=5).status_code == 200
    key = f"media/{image.file.name}"
    assert requests.get(anonymous_url(MEDIA_BUCKET, key), timeout=5).status_code == 403


def test_a_custom_domain_gives_plain_media_urls_but_never_private_ones():
    built = s3_storages({**ENV, "S3_CUSTOM_DOMAIN": "media.lms.example.vn"})
    assert built["default"]["OPTIONS"]["custom_domain"] == "media.lms.example.vn"
    assert built["default"]["OPTIONS"]["querystring_auth"] is False
    assert "custom_domain" not in built["private"]["OPTIONS"]
    assert built["private"]["OPTIONS"]["querystring_auth"] is True


# --- Configuration -----------------------------------------------------------------------------


def test_s3_storages_from_the_environment():
    assert s3_storages({}) == {}
    built = s3_storages({"S3_BUCKET": "lms", "S3_ENDPOINT_URL": "https://s3.example.vn"})
    media, private = built["default"], built["private"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["BACKEND"] == "lms.storage_backends.PrivateS3Storage"
    # One bucket for both: kept apart by their prefixes.
    assert media["OPTIONS"]["bucket_name"] == private["OPTIONS"]["bucket_name"] == "lms"
    assert (media["OPTIONS"]["location"], private["OPTIONS"]["location"]) == ("media", "private")
    for options in (media["OPTIONS"], private["OPTIONS"]):
        assert options["endpoint_url"] == "https://s3.example.vn"
        assert options["file_overwrite"] is False
        assert options["default_acl"] is None
        assert "access_key" not in options  # boto3's own credential chain
    assert private["OPTIONS"]["querystring_expire"] <= 60
    assert issubclass(PrivateS3Storage, S3Storage)


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"S3_PRIVATE_BUCKET": "p"}, "S3_PRIVATE_BUCKET is set but S3_BUCKET is not"),
        ({"S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "k"}, "Set both S3_ACCESS_KEY_ID"),
        ({"S3_BUCKET": "b", "S3_SECRET_ACCESS_KEY": "s"}, "Set both S3_ACCESS_KEY_ID"),
        ({"S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "dns"}, "S3_ADDRESSING_STYLE must be"),
    ],
)
def test_a_half_made_s3_configuration_is_refused(environ, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        s3_storages(environ)


PRINT_STORAGES = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({k: v['BACKEND'] for k, v in settings.STORAGES.items()}))"
)


def test_production_uses_s3_for_media_and_private_files_when_s3_bucket_is_set():
    result = run(["-c", PRINT_STORAGES], **ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": "storages.backends.s3.S3Storage",
        "private": "lms.storage_backends.PrivateS3Storage",
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


def test_production_with_s3_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_keeps_local_files_without_s3_bucket():
    result = run(["-c", PRINT_STORAGES])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": "django.core.files.storage.FileSystemStorage",
        "private": "django.core.files.storage.FileSystemStorage",
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


def test_production_refuses_a_half_made_s3_configuration():
    result = run(["manage.py", "check"], S3_PRIVATE_BUCKET="lms-private")
    assert result.returncode != 0
    assert "S3_PRIVATE_BUCKET is set but S3_BUCKET is not" in result.stderr


# --- Backup -------------------------------------------------------------------------------------


def test_backup_refuses_clearly_when_files_are_in_object_storage(s3, tmp_path, monkeypatch):
    from django.conf import settings

    assert not uses_local_files(settings.STORAGES)
    # The refusal about object storage must come whatever the database (CI runs PostgreSQL too).
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(backup.BackupError, match="object storage"):
        backup.configured_layout(connection)
    with pytest.raises(CommandError, match="docs/operations/object-storage.md"):
        call_command("backup_site", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


def test_local_storages_are_what_backup_copies(settings):
    assert uses_local_files(settings.STORAGES)
