"""{% load eb_kit %}{% timeline obj %}: any workflow object's history in words."""

from django import template

register = template.Library()


@register.inclusion_tag("core/_timeline.html", takes_context=True)
def timeline(context, obj):
    """The history; the documents a line links are left out where the reader may not read them (internal
    forms for an enterprise account)."""
    from envbureau.core.documents.services import hidden_internal
    from envbureau.core.workflow import timeline as events

    lines = events(obj)
    request = context.get("request")
    hidden = hidden_internal(getattr(request, "user", None), [d for e in lines for d in e["documents"]])
    if hidden:
        for e in lines:
            e["documents"] = [d for d in e["documents"] if d.get("id") not in hidden]
    return {"timeline": lines}
