"""Open311 GeoReport v2 routes; mounted at /api/v1/public/open311/ by the root URLconf and also
under /api/v1/public/complaints/open311/."""

from django.urls import re_path

from . import open311

urlpatterns = [
    re_path(r"^discovery(?:\.(?P<format>json|xml))?$", open311.DiscoveryView.as_view(), name="public-open311-discovery"),
    re_path(r"^services(?:\.(?P<format>json|xml))?$", open311.ServicesView.as_view(), name="public-open311-services"),
    re_path(r"^services/(?P<code>[a-z_]+)(?:\.(?P<format>json|xml))?$", open311.ServiceDefinitionView.as_view(),
            name="public-open311-service"),
    re_path(r"^requests(?:\.(?P<format>json|xml))?$", open311.RequestsView.as_view(), name="public-open311-requests"),
    re_path(r"^requests/(?P<number>[A-Za-z0-9_-]+?)(?:\.(?P<format>json|xml))?$", open311.RequestDetailView.as_view(),
            name="public-open311-request"),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9]+?)(?:\.(?P<format>json|xml))?$", open311.TokenView.as_view(),
            name="public-open311-token"),
]
