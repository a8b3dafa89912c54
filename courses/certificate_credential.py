"""The certificate as a portable credential: a W3C Verifiable Credential in the Open Badges 3.0
shape (``OpenBadgeCredential``), signed as a JWT with the school's Ed25519 key (EdDSA), and the
revocation list (W3C Bitstring Status List) the credential points at.

Everything comes from the certificate's frozen snapshot, so the credential says exactly what the
PDF prints. Where Open Badges has a field for a value we use it: the participant's name is an
``IdentityObject`` of type "name", the certificate number is the subject's ``licenseNumber``, the
cohort's dates are ``activityStartDate``/``activityEndDate``, the programme is the
``achievement`` with its periods as ``creditsAvailable`` and, by category, in its description.

A JWT rather than an embedded proof: the VC-JWT form of Open Badges 3.0 needs no JSON-LD
canonicalisation, so a personnel office can check it with any JOSE library and our public keys.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import jwt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from courses import bitstring_status, certificate_signing

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
STATUS_CONTEXT = ["https://www.w3.org/ns/credentials/v2"]
ATTACHMENT_NAME = "chung-nhan-so.jwt"
MEDIA_TYPE = "application/vc+jwt"
_VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CATEGORY_WORDS = {
    "theory": "lý thuyết",
    "discussion": "thảo luận, thực hành",
    "field": "nghiên cứu thực tế",
    "report": "viết báo cáo thu hoạch",
}


def site_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def issuer_id() -> str:
    return site_url() + "/"


def status_list_url(number: int) -> str:
    return site_url() + reverse("courses:status_list", args=[number])


def _start_of_day(iso_date: str) -> str:
    day = dt.date.fromisoformat(iso_date)
    return dt.datetime.combine(day, dt.time(), tzinfo=_VIETNAM).isoformat()


def periods_description(programme: dict) -> str:
    by_category = programme.get("periods_by_category") or {}
    parts = [
        f"{by_category[key]} tiết {words}"
        for key, words in CATEGORY_WORDS.items()
        if by_category.get(key)
    ]
    total = programme.get("periods") or sum(by_category.values())
    return f"Chương trình {total} tiết: " + "; ".join(parts) + "."


def build_credential(snapshot: dict, *, status_index: int) -> dict:
    """The OpenBadgeCredential of one certificate, from its snapshot."""
    participant = snapshot["participant"]
    programme = snapshot["programme"]
    cohort = snapshot["cohort"]
    credential_id = snapshot["verification_url"]
    number = bitstring_status.list_number(status_index)
    list_url = status_list_url(number)
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": participant["full_name"],
            }
        ],
        "licenseNumber": snapshot["certificate_number"],
        "activityStartDate": _start_of_day(cohort["start_date"]),
        "activityEndDate": _start_of_day(cohort["end_date"]),
        "term": f"{cohort['name']} ({cohort['code']})",
        "achievement": {
            "id": credential_id + "#chuong-trinh",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": programme["title"],
            "description": periods_description(programme),
            "creditsAvailable": programme.get("periods") or 0,
            "criteria": {
                "narrative": "Dự đủ số tiết theo quy định của chương trình và có báo cáo thu "
                "hoạch đạt yêu cầu."
            },
        },
    }
    if snapshot.get("result"):
        subject["result"] = [{"type": ["Result"], "value": snapshot["result"]}]
    issuer = {"id": issuer_id(), "type": ["Profile"], "name": snapshot["issuer_name"]}
    if snapshot.get("issuer_parent_name"):
        issuer["parentOrg"] = {
            "id": issuer_id() + "#co-quan-chu-quan",
            "type": ["Profile"],
            "name": snapshot["issuer_parent_name"],
        }
    return {
        "@context": CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{snapshot['title']} số {snapshot['certificate_number']}",
        "issuer": issuer,
        "validFrom": _start_of_day(snapshot["issued_on"]),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{list_url}#{status_index % bitstring_status.LIST_SIZE}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": bitstring_status.STATUS_PURPOSE,
            "statusListIndex": str(status_index % bitstring_status.LIST_SIZE),
            "statusListCredential": list_url,
        },
    }


def _sign(claims: dict) -> str:
    key = certificate_signing.private_key()
    kid = certificate_signing.key_id(certificate_signing.raw_public_key(key))
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "vc+jwt"})


def sign_credential(credential: dict, *, issued_at: dt.datetime) -> str:
    """The VC-JWT (Open Badges 3.0 §8.2: the credential in ``vc``; iss, jti, nbf mirror it)."""
    moment = int(issued_at.timestamp())
    return _sign(
        {
            "iss": credential["issuer"]["id"],
            "jti": credential["id"],
            "nbf": moment,
            "iat": moment,
            "vc": credential,
        }
    )


def status_list_token(number: int, revoked_positions, *, now: dt.datetime | None = None) -> str:
    """The BitstringStatusListCredential of list `number`, signed as a JWT."""
    moment = now or timezone.now()
    url = status_list_url(number)
    credential = {
        "@context": STATUS_CONTEXT,
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": moment.isoformat(),
        "credentialSubject": {
            "id": url + "#danh-sach",
            "type": "BitstringStatusList",
            "statusPurpose": bitstring_status.STATUS_PURPOSE,
            "encodedList": bitstring_status.encode(revoked_positions),
        },
    }
    stamp = int(moment.timestamp())
    return _sign({"iss": issuer_id(), "jti": url, "nbf": stamp, "iat": stamp, "vc": credential})
