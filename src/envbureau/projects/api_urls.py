from django.urls import path
from rest_framework import routers

from .api import (
    BasinMilestoneViewSet,
    CampaignViewSet,
    CardViewSet,
    FundViewSet,
    GridViewSet,
    MilestoneViewSet,
    OutfallViewSet,
    PatrolViewSet,
    ProjectViewSet,
    ReportViewSet,
    SampleViewSet,
    StatisticsView,
    TargetViewSet,
)

router = routers.DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("funds", FundViewSet, basename="fund")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("reports", ReportViewSet, basename="report")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("targets", TargetViewSet, basename="target")
router.register("outfalls", OutfallViewSet, basename="outfall")
router.register("outfall-samples", SampleViewSet, basename="outfall-sample")
router.register("basin-milestones", BasinMilestoneViewSet, basename="basin-milestone")
router.register("cards", CardViewSet, basename="card")
router.register("grids", GridViewSet, basename="grid")
router.register("patrols", PatrolViewSet, basename="patrol")

urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics"), *router.urls]
