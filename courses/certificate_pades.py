"""The school's digital signature (chữ ký số) on every certificate PDF: PAdES, with pyHanko.

In Vietnam an electronic document is official when it carries its issuer's digital signature
under an X.509 certificate; a province's personnel office opens the PDF in any reader and sees
who signed it, when, and that nothing changed since. This module holds the school's signing
identity and signs; `courses.certificate_verifier` checks, without Django or the database.

Where the identity comes from:
- ``LMS_SCHOOL_PKCS12_FILE`` + ``LMS_SCHOOL_PKCS12_PASSWORD``: the PKCS#12 file (.p12/.pfx) the
  school receives from a Vietnamese certification authority (docs/operations/certificate-keys.md);
- otherwise, in development, a self-signed certificate generated on first use at
  ``var/keys/school-signing.p12`` (outside the repository), written as the development signing
  key is (`certificate_signing.write_development_secret`), so two processes share one. Its
  subject says it is a test certificate.

The signature is B-B (signing time from the server's clock); with ``LMS_TSA_URL`` it carries an
RFC 3161 timestamp from that authority (B-T), which proves the time independently of us.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import TextStampStyle

from courses import certificate_signing

FIELD_NAME = "ChuKySoNhaTruong"
REASON = "Cấp chứng chỉ"
#: Room kept for the signature: an ECDSA or RSA-4096 signature with a chain of three
#: certificates and a timestamp token fits; reserving it skips pyHanko's trial signature.
BYTES_RESERVED = 16384
DEVELOPMENT_SUBJECT = {
    # X.509 attributes hold at most 64 characters: long Vietnamese names go in O, not CN.
    "organization": "Cơ sở đào tạo (môi trường phát triển)",
    "common_name": "Chứng thư thử nghiệm – không có giá trị pháp lý",
}


class SigningUnavailable(RuntimeError):
    """The school's signing certificate cannot be loaded (missing file, wrong password)."""


@dataclass(frozen=True)
class SchoolIdentity:
    signer: signers.SimpleSigner
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string()


def pkcs12_path() -> Path:
    configured = getattr(settings, "LMS_SCHOOL_PKCS12_FILE", "")
    if configured:
        return Path(configured)
    return Path(settings.LMS_DEVELOPMENT_KEY_DIR) / "school-signing.p12"


def development_pkcs12(
    *,
    organization: str = DEVELOPMENT_SUBJECT["organization"],
    common_name: str = DEVELOPMENT_SUBJECT["common_name"],
    not_before: dt.datetime | None = None,
    days: int = 3650,
    password: bytes | None = None,
) -> bytes:
    """A self-signed ECDSA P-256 school certificate as PKCS#12 (also used by the tests)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(b"school", key, certificate, None, encryption)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, password: str) -> SchoolIdentity:
    data = Path(path).read_bytes()
    secret = password.encode() if password else None
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, secret)
    except ValueError as error:
        raise SigningUnavailable(
            f"{path}: cannot open the PKCS#12 file (wrong LMS_SCHOOL_PKCS12_PASSWORD?)"
        ) from error
    if key is None or certificate is None:
        raise SigningUnavailable(f"{path} holds no private key with its certificate.")
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=secret)
    if signer is None:
        raise SigningUnavailable(f"{path}: pyHanko could not load the signing key.")
    return SchoolIdentity(signer=signer, certificate=certificate)


def identity() -> SchoolIdentity:
    """The school's current signing identity (reloaded when its file changes: rotation)."""
    path = pkcs12_path()
    if not path.exists():
        if getattr(settings, "LMS_SCHOOL_PKCS12_FILE", ""):
            raise SigningUnavailable(f"LMS_SCHOOL_PKCS12_FILE points at {path}, which is missing.")
        certificate_signing.write_development_secret(path, development_pkcs12())
    password = getattr(settings, "LMS_SCHOOL_PKCS12_PASSWORD", "") or ""
    return _load(str(path), path.stat().st_mtime_ns, password)


def _timestamper():
    url = getattr(settings, "LMS_TSA_URL", "")
    return timestamps.HTTPTimeStamper(url, timeout=10) if url else None


def sign_pdf(
    pdf: bytes,
    *,
    box: tuple[float, float, float, float] | None = None,
    location: str = "",
    school: SchoolIdentity | None = None,
) -> bytes:
    """`pdf` with the school's PAdES signature in an incremental update.

    `box` (PDF points, first page) places the signature field over the "signed digitally" block
    the certificate's HTML draws, so a reader's click there opens the signature panel. Its own
    appearance is empty: pyHanko's stamp fonts lack Vietnamese, the HTML prints the words.
    """
    school = school or identity()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=REASON,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    field_spec = fields.SigFieldSpec(FIELD_NAME, box=box, on_page=0) if box else None
    signer = signers.PdfSigner(
        metadata,
        signer=school.signer,
        timestamper=_timestamper(),
        new_field_spec=field_spec,
        stamp_style=TextStampStyle(stamp_text="", border_width=0),
    )
    return signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED).getvalue()


def asn1_certificate(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)
