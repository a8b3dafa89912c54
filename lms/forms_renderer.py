"""Every Django form on the site renders through templates/forms/, so labels, help texts and
errors look and behave the same everywhere (ours, allauth's): errors linked to their field with
aria-describedby, aria-invalid on the field, a summary announced at the top."""

from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
