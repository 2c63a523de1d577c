"""{% documents_panel obj %}: an object's issued documents and the issue buttons the user may press."""

from django import template

register = template.Library()


@register.inclusion_tag("core/documents/_panel.html", takes_context=True)
def documents_panel(context, obj):
    from envbureau.core.documents import kinds_for_model
    from envbureau.core.documents.services import can_issue, documents_for, hidden_internal

    request = context.get("request")
    user = getattr(request, "user", None)
    issuable = [k for k in kinds_for_model(type(obj))
                if user is not None and k.applies(obj) and can_issue(user, obj, k)]
    docs = list(documents_for(obj))
    hidden = hidden_internal(user, docs) if user is not None else {d.pk for d in docs}
    return {"obj": obj, "documents": [d for d in docs if d.pk not in hidden], "issuable": issuable,
            "csrf_token": context.get("csrf_token"), "next": request.get_full_path() if request else ""}
