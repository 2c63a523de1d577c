"""Core middleware: the audit context of every request, and the forced password change."""

import uuid

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers

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


class PasswordChangeRequiredMiddleware:
    """A user flagged `must_change_password` (new accounts, imported users, reset passwords) can
    only reach the password page, logout, static files and the language switch until they change it.
    The API answers 403 with a clear message instead of a redirect."""

    ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/", "/jsi18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False) \
                and not request.path.startswith(self.ALLOWED_PREFIXES):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                return JsonResponse({"error": {"status": 403, "code": "password_change_required",
                                               "message": _("请先修改初始密码")}}, status=403)
            return redirect(reverse("core:password_change"))
        return self.get_response(request)


class LocaleMiddleware:
    """Simplified Chinese unless the user chose another language (cookie set by /i18n/setlang/).

    Django's LocaleMiddleware also follows the browser's Accept-Language, which would show a
    half-translated UI to anyone with an English browser. Pages follow the user's explicit
    choice only; the API (/api/) still honours Accept-Language for its error messages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        lang = None
        if request.path.startswith("/api/"):
            lang = translation.get_language_from_request(request)
        else:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if cookie and translation.check_for_language(cookie) and \
                    cookie in {code for code, _name in settings.LANGUAGES}:
                lang = cookie
        lang = lang or settings.LANGUAGE_CODE
        # Restore the thread's language afterwards: a request in English must not leave English active
        # for whatever runs next on the thread (a job, a command, the next test).
        with translation.override(lang):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response


class FreezeLongLivedMiddleware:
    """Once the process has answered its first request, everything alive then (the URLconf and every view module
    it imported, models, compiled templates, translation catalogues: about 270,000 objects) is moved out of the
    cyclic garbage collector's sight with gc.freeze(), after one collection so that no garbage is frozen.

    Why: a full (generation 2) collection walks every tracked object; a page that builds a few thousand rows (the
    risk map's thousand plans, the outfall map's ten thousand rows) triggers one every few requests, and walking
    the whole heap cost about 160 ms of CPU on the bench machine, on top of a 40 ms page. With the long-lived state
    frozen the same collection walks only what was made since (about 12 ms). Frozen objects are still freed by
    reference counting; only a cycle among them would stay (there is none: they live as long as the process).
    Every server runs this (runserver, gunicorn/uWSGI workers, the test client), so the benches measure what
    production does."""

    done = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not FreezeLongLivedMiddleware.done:
            import gc

            FreezeLongLivedMiddleware.done = True
            gc.collect()
            gc.freeze()
        return response
