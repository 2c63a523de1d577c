from django.urls import path
from rest_framework import routers

from .api import GenerateView, ReportViewSet, TypesView

router = routers.DefaultRouter()
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [path("types/", TypesView.as_view(), name="types"),
               path("generate/", GenerateView.as_view(), name="generate"), *router.urls]
