"""Checks a certificate PDF or its credential with nothing but the school's public keys.

No Django and no database: a province's personnel office runs it on its own machine, even when
our site is down or gone (``python -m courses.certificate_verifier FILE --keys keys.json``,
docs/operations/certificate-keys.md). The site's verification page and ``manage.py
verify_certificate`` use the same code.

The key file is the JSON Web Key Set the site publishes at
``/.well-known/lms-certificate-keys.json``: Ed25519 keys (they sign credentials and the
revocation list) and the school's X.509 certificates (``x5c``: the trust anchors of the PDF
signature). Old keys stay in it after a rotation, so old certificates keep verifying.

What is checked, each with its own verdict:
- the PDF's digital signature: cryptographically sound, by a certificate in the key file (or
  chaining to a root given with ``--trust``), valid at signing time, the whole file covered;
- nothing added after signing (a viewer that "saves" appends an incremental update);
- the credential attached to the PDF (or given alone): its EdDSA signature by a published key;
- the credential's data equal to what the PDF prints (name, number, programme, dates);
- online only: the credential's bit in the published revocation list.
Messages are Vietnamese (the project's source language) and marked for translation.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import sys
import unicodedata
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import jwt
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from courses import bitstring_status


def _(message: str) -> str:  # marks a message for translation; Django translates at display
    return message


CREDENTIAL_ATTACHMENT = "chung-nhan-so.jwt"
STATUS_TIMEOUT_SECONDS = 10


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One verdict: ok True (holds), False (fails) or None (could not be checked)."""

    key: str
    ok: bool | None
    message: str  # a translatable template, "%(name)s" placeholders
    params: dict = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] = lambda m: m) -> str:
        params = dict(self.params)
        if "labels" in params:  # names of fields, each translated
            params["fields"] = ", ".join(translate(label) for label in params.pop("labels"))
        return translate(self.message) % params


@dataclass
class Report:
    kind: str  # "pdf", "credential" or "unknown"
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(check.ok is not False for check in self.checks)

    def add(self, key: str, ok: bool | None, message: str, **params) -> None:
        self.checks.append(Check(key, ok, message, params))


# --- Keys ---------------------------------------------------------------------------------------


@dataclass
class KeySet:
    ed25519: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    school_certificates: list[asn1_x509.Certificate] = field(default_factory=list)

    @classmethod
    def from_jwks(cls, jwks: dict) -> KeySet:
        keys = cls()
        for entry in jwks.get("keys", []):
            if entry.get("kty") == "OKP" and entry.get("crv") == "Ed25519":
                raw = base64.urlsafe_b64decode(entry["x"] + "=" * (-len(entry["x"]) % 4))
                keys.ed25519[entry["kid"]] = Ed25519PublicKey.from_public_bytes(raw)
            for der_b64 in entry.get("x5c", []):
                keys.school_certificates.append(
                    asn1_x509.Certificate.load(base64.b64decode(der_b64))
                )
        return keys


# --- Credentials (JWT) --------------------------------------------------------------------------


_BASE64URL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _looks_like_jwt(data: bytes) -> bool:
    text = data.strip()
    return text.count(b".") == 2 and all(
        chunk and set(chunk) <= _BASE64URL for chunk in text.split(b".")
    )


def decode_signed(token: str, keys: KeySet) -> tuple[dict | None, str | None]:
    """(claims, None) when `token` is signed by a published key; (None, reason) otherwise."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return None, "malformed"
    if header.get("alg") != "EdDSA":
        return None, "algorithm"
    public = keys.ed25519.get(header.get("kid", ""))
    if public is None:
        return None, "unknown_key"
    try:
        claims = jwt.decode(
            token,
            public,
            algorithms=["EdDSA"],
            options={"verify_aud": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        return None, "signature"
    except jwt.PyJWTError:
        return None, "malformed"
    return claims, None


_CREDENTIAL_FAILURES = {
    "malformed": _("Tệp chứng nhận số bị hỏng hoặc không đúng định dạng JWT."),
    "algorithm": _("Chứng nhận số không ký bằng thuật toán EdDSA của nhà trường."),
    "unknown_key": _(
        "Chứng nhận số được ký bằng một khóa không có trong danh sách khóa công "
        "khai của nhà trường."
    ),
    "signature": _("Chữ ký của chứng nhận số không khớp: nội dung đã bị thay đổi sau khi ký."),
}


def check_credential(token: str, keys: KeySet, report: Report) -> dict | None:
    claims, failure = decode_signed(token.strip(), keys)
    if failure:
        report.add("credential_signature", False, _CREDENTIAL_FAILURES[failure])
        return None
    credential = claims.get("vc") or {}
    if "OpenBadgeCredential" not in credential.get("type", []):
        report.add(
            "credential_signature", False, _("Tệp không phải là một chứng nhận Open Badges 3.0.")
        )
        return None
    report.credential = credential
    report.add(
        "credential_signature",
        True,
        _("Chứng nhận số có chữ ký hợp lệ của %(issuer)s."),
        issuer=(credential.get("issuer") or {}).get("name", ""),
    )
    return credential


def credential_facts(credential: dict) -> dict[str, str]:
    """The values a person reads on the certificate, from the credential."""
    subject = credential.get("credentialSubject") or {}
    name = next(
        (
            item.get("identityHash", "")
            for item in subject.get("identifier", [])
            if item.get("identityType") == "name"
        ),
        "",
    )
    return {
        "name": name,
        "number": subject.get("licenseNumber", ""),
        "programme": (subject.get("achievement") or {}).get("name", ""),
        "start": _printed_date(subject.get("activityStartDate", "")),
        "end": _printed_date(subject.get("activityEndDate", "")),
    }


def _printed_date(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return ""


# --- Revocation (online) ------------------------------------------------------------------------


def fetch_url(url: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise ValueError("not an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/vc+jwt"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=STATUS_TIMEOUT_SECONDS) as response:  # noqa: S310
        return response.read(1_000_000)


def check_status(credential: dict, keys: KeySet, report: Report, fetch) -> None:
    entry = credential.get("credentialStatus") or {}
    url = entry.get("statusListCredential", "")
    try:
        position = int(entry.get("statusListIndex", ""))
        token = fetch(url).decode("ascii").strip()
    except (OSError, ValueError, UnicodeDecodeError) as error:
        report.add(
            "status",
            None,
            _("Không kiểm tra được tình trạng thu hồi trực tuyến (%(error)s)."),
            error=str(error) or type(error).__name__,
        )
        return
    claims, failure = decode_signed(token, keys)
    if failure:
        report.add("status", False, _("Danh sách thu hồi tải về không có chữ ký hợp lệ."))
        return
    try:
        listed = (claims.get("vc") or {}).get("credentialSubject") or {}
        revoked = bitstring_status.is_set(listed.get("encodedList", ""), position)
    except ValueError:
        report.add("status", False, _("Danh sách thu hồi tải về bị hỏng."))
        return
    if revoked:
        report.add("status", False, _("Chứng chỉ đã bị nhà trường thu hồi."))
    else:
        report.add("status", True, _("Chứng chỉ chưa bị thu hồi (theo danh sách công bố)."))


# --- PDFs ---------------------------------------------------------------------------------------


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split()).casefold()


def check_pdf_signature(data: bytes, keys: KeySet, report: Report, trust_roots=(), online=False):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        FreshnessReqType,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # pyHanko raises many kinds on a broken file
        report.add("pdf_signature", False, _("Tệp PDF bị hỏng, không đọc được."))
        return
    if not signatures:
        report.add("pdf_signature", False, _("Tệp PDF không có chữ ký số."))
        return
    signature = signatures[0]
    # Revocation of the school's certificate: checked when the CA's OCSP/CRL answer is in the
    # file or can be fetched, never a reason to fail when it cannot (soft fail).
    policy = CertRevTrustPolicy(
        RevocationCheckingPolicy(
            ee_certificate_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
            intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
        ),
        freshness_req_type=FreshnessReqType.DEFAULT,
    )
    context = ValidationContext(
        trust_roots=[*keys.school_certificates, *trust_roots],
        allow_fetching=online,
        revinfo_policy=policy,
    )
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, ValueError) as error:
        report.add(
            "pdf_signature",
            False,
            _("Chữ ký số của tệp PDF không hợp lệ: %(error)s."),
            error=str(error),
        )
        return
    signer = _signer(status.signing_cert)
    if not status.intact or not status.valid:
        report.add(
            "pdf_signature",
            False,
            _("Nội dung tệp PDF đã bị sửa sau khi ký: chữ ký số không còn khớp."),
        )
        return
    validity = status.signing_cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    when = status.timestamp_validity.timestamp if status.timestamp_validity else None
    signed_at = when or status.signer_reported_dt
    indication = str(getattr(status, "trust_problem_indic", "") or "")
    # A trust anchor's own dates are not checked by path validation, and the school's
    # certificate is its own anchor when it is self-signed: check them against the signing time.
    if "EXPIRED" in indication or (signed_at and not not_before <= signed_at <= not_after):
        report.add(
            "pdf_signature",
            False,
            _(
                "Tệp được ký khi chứng thư số (%(signer)s) không còn hiệu lực: chứng thư có hiệu "
                "lực từ %(start)s đến %(date)s."
            ),
            signer=signer,
            start=not_before.strftime("%d/%m/%Y"),
            date=not_after.strftime("%d/%m/%Y"),
        )
        return
    if not status.trusted:
        if "REVOKED" in indication:
            report.add(
                "pdf_signature",
                False,
                _("Chứng thư số đã ký tệp (%(signer)s) đã bị tổ chức cấp thu hồi."),
                signer=signer,
            )
        else:
            report.add(
                "pdf_signature",
                False,
                _("Tệp được ký bởi %(signer)s, không phải bằng chứng thư số của nhà trường."),
                signer=signer,
            )
        return
    report.add(
        "pdf_signature",
        True,
        _("Chữ ký số hợp lệ của %(signer)s, ký lúc %(time)s (có dấu thời gian).")
        if when
        else _("Chữ ký số hợp lệ của %(signer)s, ký lúc %(time)s."),
        signer=signer,
        time=signed_at.astimezone(dt.UTC).strftime("%d/%m/%Y %H:%M UTC") if signed_at else "?",
    )
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        report.add("unmodified", True, _("Tệp không bị thay đổi gì sau khi ký."))
    else:
        report.add(
            "unmodified",
            False,
            _(
                "Tệp đã được lưu thêm hoặc sửa sau khi ký (có phần cập nhật sau chữ ký), nên "
                "nội dung hiển thị có thể khác bản đã ký."
            ),
        )


def _signer(certificate) -> str:
    """ "Organisation (common name)" of a signing certificate, as a person would name it."""
    if certificate is None:
        return "?"
    names = certificate.subject.native
    organisation, common = names.get("organization_name", ""), names.get("common_name", "")
    if isinstance(organisation, list):
        organisation = ", ".join(organisation)
    if organisation and common:
        return f"{organisation} ({common})"
    return organisation or common or certificate.subject.human_friendly


def attached_credential(data: bytes) -> str | None:
    from pypdf import PdfReader

    try:
        files = PdfReader(io.BytesIO(data)).attachments
        contents = files.get(CREDENTIAL_ATTACHMENT)
    except Exception:  # pypdf raises many kinds on a broken file
        return None
    if not contents:
        return None
    try:
        return contents[-1].decode("ascii")
    except UnicodeDecodeError:
        return None


def printed_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    except Exception:  # pypdf raises many kinds on a broken file
        return ""


_FACT_LABELS = {
    "name": _("họ và tên"),
    "number": _("số hiệu"),
    "programme": _("chương trình"),
    "start": _("ngày bắt đầu"),
    "end": _("ngày kết thúc"),
}


def check_printed_matches(credential: dict, data: bytes, report: Report) -> None:
    text = _folded(printed_text(data))
    facts = credential_facts(credential)
    differing = [key for key, value in facts.items() if not value or _folded(value) not in text]
    if differing:
        report.add(
            "data_match",
            False,
            _("Nội dung in trên PDF khác chứng nhận số ở: %(fields)s."),
            fields=", ".join(_FACT_LABELS[key] for key in differing),
            labels=[_FACT_LABELS[key] for key in differing],
        )
    else:
        report.add(
            "data_match",
            True,
            _("Tên, số hiệu, chương trình và thời gian in trên PDF đúng với chứng nhận số."),
        )


# --- Entry points -------------------------------------------------------------------------------


def verify(
    data: bytes,
    keys: KeySet,
    *,
    fetch=None,
    trust_roots=(),
) -> Report:
    """Every check for a PDF or a credential file. `fetch(url) -> bytes` enables the online
    revocation check; without it the status is reported as not checked."""
    if data.startswith(b"%PDF-"):
        report = Report("pdf")
        check_pdf_signature(data, keys, report, trust_roots=trust_roots, online=fetch is not None)
        token = attached_credential(data)
        if token is None:
            report.add("credential_signature", False, _("Tệp PDF không kèm chứng nhận số."))
            return report
        credential = check_credential(token, keys, report)
        if credential:
            check_printed_matches(credential, data, report)
    elif _looks_like_jwt(data):
        report = Report("credential")
        credential = check_credential(data.decode("ascii"), keys, report)
    else:
        report = Report("unknown")
        report.add(
            "format",
            False,
            _("Tệp không phải là chứng chỉ PDF cũng không phải là chứng nhận số (JWT)."),
        )
        return report
    if report.credential:
        if fetch is not None:
            check_status(report.credential, keys, report, fetch)
        else:
            report.add("status", None, _("Chưa kiểm tra tình trạng thu hồi (đang ngoại tuyến)."))
    return report


def print_report(report: Report, out=sys.stdout, translate=lambda m: m) -> None:
    marks = {True: "OK  ", False: "FAIL", None: "--  "}
    for check in report.checks:
        out.write(f"[{marks[check.ok]}] {check.text(translate)}\n")
    verdict = "valid" if report.valid else "invalid"
    reasons = [check.text(translate) for check in report.checks if check.ok is False]
    out.write(verdict + (": " + " ".join(reasons) if reasons else "") + "\n")


def load_trust_roots(paths) -> list[asn1_x509.Certificate]:
    from asn1crypto import pem

    roots = []
    for path in paths or ():
        with open(path, "rb") as handle:
            raw = handle.read()
        if pem.detect(raw):
            roots += [asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(raw, True)]
        else:
            roots.append(asn1_x509.Certificate.load(raw))
    return roots


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Check a certificate PDF or its credential with the school's public keys."
    )
    parser.add_argument("file", help="the certificate PDF or credential (.jwt) to check")
    parser.add_argument(
        "--keys",
        required=True,
        help="the school's key set (JSON, from /.well-known/lms-certificate-keys.json)",
    )
    parser.add_argument(
        "--trust", action="append", help="a CA root certificate (PEM or DER) to trust as well"
    )
    parser.add_argument(
        "--online", action="store_true", help="also fetch the revocation list over the network"
    )
    args = parser.parse_args(argv)
    with open(args.keys, encoding="utf-8") as handle:
        keys = KeySet.from_jwks(json.load(handle))
    with open(args.file, "rb") as handle:
        data = handle.read()
    report = verify(
        data,
        keys,
        fetch=fetch_url if args.online else None,
        trust_roots=load_trust_roots(args.trust),
    )
    print_report(report)
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main())
