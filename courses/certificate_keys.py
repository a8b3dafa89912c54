"""What the site publishes so anyone can check its certificates without it: the key set (JWKS)
and the revocation lists; and the in-process versions the verification page and
``manage.py verify_certificate`` use instead of calling the site over HTTP.

The key set holds every Ed25519 key that ever signed a record or credential (``SigningKey``) and
every X.509 certificate of the school that ever signed a PDF (``SchoolCertificate``, as a JWK with
its ``x5c``), plus the current ones before they have signed anything. Nothing is ever removed, so
a certificate signed before a rotation still verifies.
"""

from __future__ import annotations

import base64
import logging
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.db.models import Q
from django.urls import Resolver404, resolve
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from courses import bitstring_status, certificate_credential, certificate_pades, certificate_signing
from courses.models.certificates import (
    Certificate,
    CertificateEvent,
    EventKind,
    SchoolCertificate,
    SigningKey,
)

logger = logging.getLogger("courses.certificates")


def school_certificate_jwk(der: bytes) -> dict:
    """An X.509 certificate's public key as a JWK, the certificate itself in ``x5c``."""
    certificate = x509.load_der_x509_certificate(der)
    public = certificate.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        key = ECAlgorithm.to_jwk(public, as_dict=True)
    elif isinstance(public, rsa.RSAPublicKey):
        key = RSAAlgorithm.to_jwk(public, as_dict=True)
    else:  # an unusual key type still publishes its certificate, the trust anchor
        key = {"kty": "unknown"}
    fingerprint = certificate.fingerprint(certificate.signature_hash_algorithm or _sha256())
    return {
        **key,
        "kid": fingerprint.hex()[:16],
        "use": "sig",
        "x5c": [base64.b64encode(der).decode("ascii")],
    }


def _sha256():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _current_ed25519() -> list[dict]:
    try:
        public = certificate_signing.raw_public_key()
    except (OSError, ValueError):
        logger.exception("The certificate signing key cannot be read.")
        return []
    return [
        certificate_signing.jwk(
            certificate_signing.key_id(public), certificate_signing.b64url(public)
        )
    ]


def _current_school_der() -> list[bytes]:
    try:
        return [certificate_pades.identity().der]
    except (OSError, ValueError, certificate_pades.SigningUnavailable):
        logger.exception("The school's signing certificate cannot be read.")
        return []


def published_key_set() -> dict:
    """The JSON Web Key Set of /.well-known/lms-certificate-keys.json (two queries)."""
    keys = [
        certificate_signing.jwk(row.key_id, row.public_key)
        for row in SigningKey.objects.order_by("first_used_at", "pk")
    ]
    known = {key["kid"] for key in keys}
    keys += [key for key in _current_ed25519() if key["kid"] not in known]
    ders = [
        base64.b64decode(row.der) for row in SchoolCertificate.objects.order_by("first_used_at")
    ]
    current = [der for der in _current_school_der() if der not in ders]
    keys += [school_certificate_jwk(der) for der in ders + current]
    return {"keys": keys}


def revoked_positions(number: int) -> list[int]:
    """Positions set in revocation list `number`: certificates revoked, or replaced by a new
    one (the old one no longer stands on its own)."""
    low = number * bitstring_status.LIST_SIZE
    indexes = (
        Certificate.objects.filter(
            status_index__gte=low, status_index__lt=low + bitstring_status.LIST_SIZE
        )
        .filter(
            Q(
                pk__in=CertificateEvent.objects.filter(
                    kind__in=[EventKind.REVOKED, EventKind.REPLACED]
                ).values("certificate_id")
            )
        )
        .values_list("status_index", flat=True)
    )
    return sorted(index - low for index in indexes)


def status_list_token(number: int) -> str:
    return certificate_credential.status_list_token(number, revoked_positions(number))


def local_status_fetch(url: str) -> bytes:
    """The verification page's "fetch": only our own revocation lists, answered from the
    database. A credential that points anywhere else is not fetched (an uploaded file must
    never make the server call an address it names)."""
    ours = urlsplit(certificate_credential.site_url())
    target = urlsplit(url)
    if (target.scheme, target.netloc) != (ours.scheme, ours.netloc):
        raise ValueError("không phải danh sách thu hồi của trang này")
    try:
        match = resolve(target.path)
    except Resolver404 as error:
        raise ValueError("không phải danh sách thu hồi của trang này") from error
    if match.view_name != "courses:status_list":
        raise ValueError("không phải danh sách thu hồi của trang này")
    return status_list_token(int(match.kwargs["number"])).encode("ascii")
