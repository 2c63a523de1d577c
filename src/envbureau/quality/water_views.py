from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from .views import _need_view


@login_required
def water_dashboard(request):
    _need_view(request)
    return render(request, "quality/empty.html", {"title": _("水环境质量")})


@login_required
def noise_dashboard(request):
    _need_view(request)
    return render(request, "quality/empty.html", {"title": _("声环境质量")})
