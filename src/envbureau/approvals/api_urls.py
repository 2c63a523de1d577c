from django.urls import path
from rest_framework import routers

from .api import CheckViewSet, EIAViewSet, PermitViewSet, PlanViewSet, ReportViewSet, StatisticsView

router = routers.DefaultRouter()
router.register("eia", EIAViewSet, basename="eia")
router.register("permits", PermitViewSet, basename="permit")
router.register("reports", ReportViewSet, basename="report")
router.register("plans", PlanViewSet, basename="plan")
router.register("checks", CheckViewSet, basename="check")

urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics"), *router.urls]
