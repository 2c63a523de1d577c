"""{% load sources_tags %}: {{ code|factor }} — an HJ 212 factor by its name."""

from django import template

from envbureau.sources.choices import factor_label

register = template.Library()


@register.filter
def factor(code):
    return factor_label(code) if code else ""
