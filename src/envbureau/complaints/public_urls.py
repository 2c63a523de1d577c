"""Anonymous API of the complaints app: status lookup and Open311 GeoReport v2."""

from django.urls import include, path

from . import public_pages

urlpatterns = [
    path("status/", public_pages.status_api, name="public-complaints-status"),
    path("open311/", include("envbureau.complaints.open311_urls")),
]
