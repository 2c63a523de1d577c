"""Small template helpers of the UI shell: {% load eb %}."""

from django import forms, template

register = template.Library()


@register.filter
def bs(field, size=""):
    """Render a bound form field with Bootstrap classes: {{ field|bs }} or {{ field|bs:"sm" }}."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select" + (f" form-select-{size}" if size else "")
    else:
        css = "form-control" + (f" form-control-{size}" if size else "")
    if field.errors:
        css += " is-invalid"
    attrs = {**widget.attrs, "class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if isinstance(widget, forms.Textarea) and str(widget.attrs.get("rows", "10")) == "10":
        attrs["rows"] = 4  # Django's default of 10 rows dwarfs the rest of a form
    return field.as_widget(attrs=attrs)


@register.filter
def change_rows(changes):
    """An audit entry's {field: [before, after]} as rows for a before → after display."""
    rows = []
    for field, change in (changes or {}).items():
        if isinstance(change, list) and len(change) == 2:
            rows.append({"field": field, "before": change[0], "after": change[1], "pair": True})
        else:
            rows.append({"field": field, "other": change, "pair": False})
    return rows
