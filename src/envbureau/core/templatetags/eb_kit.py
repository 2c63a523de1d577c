"""{% load eb_kit %}{% timeline obj %}: any workflow object's history in words."""

from django import template

register = template.Library()


@register.inclusion_tag("core/_timeline.html")
def timeline(obj):
    from envbureau.core.workflow import timeline as events

    return {"timeline": events(obj)}
