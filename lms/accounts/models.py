"""The people who use the site: one account per person, signed in by e-mail address.

Names follow Vietnamese official forms: "họ và tên đệm" (family + middle names) and "tên" (given
name) are two fields. They are stored in Django's conventional `last_name` and `first_name`
columns, because that is exactly how a Vietnamese person fills in a Western form (first name =
given name "Đào", last name = "Nguyễn Thị") and because Wagtail's user and account screens read
and write those two fields. Always print a name with `full_name` ("Nguyễn Thị Đào"), never by
joining the fields in Western order, and sort lists with `lms.text.name_sort_key`.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import NormalizedCharField
from lms.text import name_sort_key, normalize, normalize_name, search_key


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """E-mail addresses compare case-insensitively here: store them in lower case."""
        return (normalize(email or "") or "").strip().lower()

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError(_("Cần có địa chỉ email."))
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email=self.normalize_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("địa chỉ email"), unique=True)
    last_name = NormalizedCharField(
        _("họ và tên đệm"), max_length=100, blank=True, help_text=_("Ví dụ: Nguyễn Thị")
    )
    first_name = NormalizedCharField(_("tên"), max_length=50, blank=True, help_text=_("Ví dụ: Đào"))
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # Folded name and e-mail ("nguyen thi dao nguyen.dao@...") for diacritic-insensitive search.
    search_text = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    is_staff = models.BooleanField(
        _("quản trị kỹ thuật"),
        default=False,
        help_text=_("Chỉ dành cho quản trị viên kỹ thuật; không liên quan đến vai trò nhà trường."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        permissions = [
            (
                "school_staff",
                _("Nhà trường: quản lý khóa, ghi danh, điểm danh, chứng chỉ"),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)
        self.last_name = normalize_name(self.last_name)
        self.first_name = normalize_name(self.first_name)

    def save(self, *args, **kwargs) -> None:
        self.email = UserManager.normalize_email(self.email)
        self.search_text = search_key(f"{self.full_name} {self.email}")[:300]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "email"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """The name in Vietnamese order, exactly as entered: "Nguyễn Thị Đào"."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def name_sort_key(self) -> tuple:
        return name_sort_key(self.last_name, self.first_name)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """Vietnamese address people by their given name ("anh Hòa", "chị Đào")."""
        return self.first_name or self.email
