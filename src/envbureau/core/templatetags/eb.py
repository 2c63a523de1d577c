"""Small template helpers of the UI shell: {% load eb %}."""

from django import forms, template

register = template.Library()


@register.filter
def bs(field, size=""):
    """Render a bound form field with Bootstrap classes: {{ field|bs }} or {{ field|bs:"sm" }}."""
    widget = field.field.widget
    if isinstance(widget, forms.NullBooleanSelect):  # django-filter's yes/no filter: its blank means "all"
        from django.utils.translation import gettext as _

        widget.choices = [(c[0], _("全部") if c[0] in ("", "unknown") else c[1]) for c in widget.choices]
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
def change_rows(changes, model_label=None):
    """An audit entry's {field: [before, after]} as rows for a before → after display, in words:
    {% for r in e.changes|change_rows:e.model %}."""
    from envbureau.core.humanize import change_rows as rows

    return rows(changes, model_label)


@register.filter
def changed_fields(entry):
    """The fields an audit entry changed, by their labels: {{ e|changed_fields }}."""
    from envbureau.core.humanize import changed_labels

    return changed_labels(entry.model, entry.changes)


@register.filter
def import_summary(saved):
    """{{ job.result.saved|import_summary }}: what an import wrote, in words."""
    from envbureau.core.humanize import import_summary as summary

    return summary(saved)


@register.simple_tag(takes_context=True)
def picker(context, kind, name, value="", element_id=""):
    """A type-ahead picker outside a form class: {% picker "jurisdiction" "jurisdiction" code %}."""
    from envbureau.core.pickers import PickerWidget

    w = PickerWidget(kind, attrs={"class": "form-control form-control-sm", "id": element_id or f"id_{name}"})
    request = context.get("request")
    w.user = getattr(request, "user", None)
    return w.render(name, value)


@register.filter
def yes_no(value):
    """是/否 in the page's language ({{ v|yesno:"是,否" }} would stay Chinese in English)."""
    from django.utils.translation import gettext as _

    return _("是") if value else _("否")


@register.filter
def ref(model_label, pk):
    """A stored reference (model label and primary key) as a person reads it: the kind and the object's name."""
    from envbureau.core.humanize import ref_label

    return ref_label(f"{model_label}:{pk}") if model_label else ""


@register.filter
def money(value):
    """A money figure as a bureau reader reads it: 26000 → "26,000.00" (the label names 元 or 万元); whole
    counts (int) and non-numbers pass unchanged, so one column of counts and amounts can use it."""
    from envbureau.core.money import yuan

    return value if isinstance(value, int) else yuan(value)


@register.filter
def truncatewidth(value, width):
    """`value` cut to `width` columns as a person sees them: a Chinese character is as wide as two Latin letters, so
    "标题|truncatewidth:80" keeps 40 characters of Chinese and 80 of English (truncatechars cut English titles at
    half their room, and a place or enterprise name in them with it). A cut text ends with "…" within the width."""
    from unicodedata import east_asian_width

    text, width = ("" if value is None else str(value)), int(width)
    cols = [2 if east_asian_width(ch) in ("W", "F") else 1 for ch in text]
    if sum(cols) <= width:
        return text
    used = n = 0
    while used + cols[n] <= width - 1:  # one column for the ellipsis (the whole text is wider, so n stays in it)
        used += cols[n]
        n += 1
    return text[:n] + "…"
