from django.urls import path
from rest_framework import routers

from .api import FundViewSet, MilestoneViewSet, ProjectViewSet, ReportViewSet, StatisticsView

router = routers.DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("funds", FundViewSet, basename="fund")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics"), *router.urls]
