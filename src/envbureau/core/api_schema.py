"""/api/schema/: the OpenAPI document, generated once per language and API version in each process.

drf-spectacular walks every API view on each request (~5 s of CPU); the document is public (the same for every
reader) and changes only with the code, so a process keeps what it generated. Labels and descriptions are
translated, hence one per language.
"""

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

_SCHEMAS: dict[tuple, dict] = {}


class SchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, self.serve_public, id(self.urlconf), id(self.patterns))
        schema = _SCHEMAS.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = _SCHEMAS[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(data=schema, headers={
            "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})
