import uuid

from .audit import AuditContext, _current


class AuditContextMiddleware:
    """Marks every request's changes as coming from the web UI or the API, with the acting user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        ctx = AuditContext(source=source, request=request, request_id=uuid.uuid4().hex[:16])
        request.audit_request_id = ctx.request_id
        token = _current.set(ctx)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = ctx.request_id
        return response
