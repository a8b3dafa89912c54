"""Model fields that store text the way lms.text says it must be stored (NFC, Đ not Ð).

Forms posted over HTTP are normalised by lms.middleware already; these fields also catch text
that arrives by other roads (imports, commands, the shell), at the last moment before saving.
"""

from django.db import models

from lms.text import normalize


class NormalizedTextMixin:
    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalize(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalize(value) if isinstance(value, str) else value


class NormalizedCharField(NormalizedTextMixin, models.CharField):
    pass


class NormalizedTextField(NormalizedTextMixin, models.TextField):
    pass
