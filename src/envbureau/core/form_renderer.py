"""The form renderer: Django's own widget and form templates through Jinja2, the project's through the Django engine.

Every list page carries a filter form and every widget is a template render; Django ships Jinja2 twins of its
form templates (django/forms/jinja2/), which render several times faster. The project's widget templates (the
pickers) stay Django templates.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2


class FormRenderer(BaseRenderer):
    def __init__(self):
        self._jinja, self._django = Jinja2(), DjangoTemplates()

    def get_template(self, template_name):
        if template_name.startswith("django/forms/"):
            return self._jinja.get_template(template_name)
        return self._django.get_template(template_name)
