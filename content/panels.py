"""Admin panels of the content app."""

from wagtail.admin.panels import Panel


class SyllabusPanel(Panel):
    """Shows, in the programme's editor, the syllabus computed from its published children and
    every category where the modules' periods differ from the programme's targets."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content/admin/syllabus_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            program = self.instance
            context["syllabus"] = program.build_syllabus(self.request) if program.pk else None
            return context
