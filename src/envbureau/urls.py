"""Root URL configuration. Each app contributes `urls.py` (pages) and `api.py` (router)."""

from importlib import import_module

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularSwaggerView

from envbureau.core.api_schema import SchemaView

DOMAIN_APPS = ["quality", "sources", "ledger", "complaints", "enforcement", "reports", "projects", "waste", "soil", "approvals"]


def _optional(module: str):
    try:
        return import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


urlpatterns = [
    path("", include("envbureau.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Browsers ask for /favicon.ico whatever the page says; answer with the platform's own icon.
    path("favicon.ico", RedirectView.as_view(url="/static/envbureau/favicon.svg", permanent=True)),
    path("api/v1/", include("envbureau.core.api_urls")),
]
if _optional("envbureau.complaints.open311_urls"):
    # Open311 GeoReport v2 at the path citizen-reporting apps expect.
    urlpatterns.append(path("api/v1/public/open311/", include("envbureau.complaints.open311_urls")))

# The public portal (reads every module, writes to none): /public/ and the open data /api/v1/public/data/.
urlpatterns += [path("public/", include("envbureau.portal.urls")),
                path("api/v1/public/data/", include("envbureau.portal.api_urls"))]

for _app in DOMAIN_APPS:
    if _optional(f"envbureau.{_app}.urls"):
        urlpatterns.append(path(f"{_app}/", include(f"envbureau.{_app}.urls")))
    if _optional(f"envbureau.{_app}.api_urls"):
        urlpatterns.append(path(f"api/v1/{_app}/", include(f"envbureau.{_app}.api_urls")))
    if _optional(f"envbureau.{_app}.public_urls"):
        urlpatterns.append(path(f"api/v1/public/{_app}/", include(f"envbureau.{_app}.public_urls")))
    if _optional(f"envbureau.{_app}.public_pages"):
        urlpatterns.append(path(f"public/{_app}/", include(f"envbureau.{_app}.public_pages")))
