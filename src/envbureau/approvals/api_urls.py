from django.urls import path
from rest_framework import routers

from .api import (
                  CheckViewSet,
                  DutyViewSet,
                  EIAViewSet,
                  IncidentViewSet,
                  PermitViewSet,
                  PlanViewSet,
                  PreReviewViewSet,
                  ReportViewSet,
                  RiskSourcesView,
                  StatisticsView,
)

router = routers.DefaultRouter()
router.register("eia", EIAViewSet, basename="eia")
router.register("permits", PermitViewSet, basename="permit")
router.register("reports", ReportViewSet, basename="report")
router.register("plans", PlanViewSet, basename="plan")
router.register("checks", CheckViewSet, basename="check")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("prereviews", PreReviewViewSet, basename="prereview")
router.register("duty", DutyViewSet, basename="duty")

urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics"),
               path("risk-sources/", RiskSourcesView.as_view(), name="risk-sources"), *router.urls]
