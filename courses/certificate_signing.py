"""The school's Ed25519 key that signs every issued certificate record.

What is signed: a canonical JSON (keys sorted, no spaces, UTF-8, NFC text as stored) of the
certificate's snapshot and its PDF's SHA-256 — see `signed_payload`. Anyone holding the public
key (published at /.well-known/lms-certificate-keys.json as a JSON Web Key Set) can check a
record without us; changing a single character of the snapshot breaks the signature.

Where the key comes from:
- `LMS_SIGNING_KEY_FILE` (environment): a PEM PKCS#8 Ed25519 private key, the school's own;
- otherwise, in development, a key generated on first use at `var/keys/certificate-signing.pem`
  (outside the repository; `var/` is ignored by git), created with O_EXCL so two processes
  starting at once end up with the same key.
Each public key that signs is recorded in `SigningKey`, so the published set keeps old keys
after a rotation (replace the file, restart) and old records still verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_path() -> Path:
    configured = getattr(settings, "LMS_SIGNING_KEY_FILE", "")
    if configured:
        return Path(configured)
    return Path(settings.LMS_DEVELOPMENT_KEY_DIR) / "certificate-signing.pem"


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key.")
    return key


def write_development_secret(path: Path, data: bytes) -> None:
    """Write a generated development key file, readable by its owner only, unless one exists:
    O_EXCL makes two processes starting at once keep the first one's (both then read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: use theirs
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _generate(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_development_secret(path, pem)


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        if getattr(settings, "LMS_SIGNING_KEY_FILE", ""):
            raise FileNotFoundError(f"LMS_SIGNING_KEY_FILE points at {path}, which is missing.")
        _generate(path)
    return _load(str(path), path.stat().st_mtime_ns)


def raw_public_key(key: Ed25519PrivateKey | None = None) -> bytes:
    key = key or private_key()
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> str:
    """A stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public).hexdigest()[:16]


def canonical_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signed_payload(snapshot: dict, pdf_sha256: str) -> bytes:
    return canonical_json({"pdf_sha256": pdf_sha256, "snapshot": snapshot})


def sign(payload: bytes) -> tuple[str, bytes, str]:
    """(key id, raw public key, base64url signature) of `payload` with the current key."""
    key = private_key()
    public = raw_public_key(key)
    return key_id(public), public, b64url(key.sign(payload))


def verify(public_key_b64: str, payload: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(b64url_decode(public_key_b64)).verify(
            b64url_decode(signature_b64), payload
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def jwk(key_id_: str, public_key_b64: str) -> dict:
    """RFC 8037 form of an Ed25519 public key."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": public_key_b64,
        "kid": key_id_,
        "use": "sig",
        "alg": "EdDSA",
    }
