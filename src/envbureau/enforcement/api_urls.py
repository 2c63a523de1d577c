from django.urls import path
from rest_framework import routers

from .api import (
    CaseViewSet,
    ClueViewSet,
    CommitmentViewSet,
    CreditRatingViewSet,
    CreditRepairViewSet,
    DrawViewSet,
    InspectionViewSet,
    InspectorViewSet,
    ItemViewSet,
    LegalBasisViewSet,
    MeasureViewSet,
    PlanViewSet,
    PoolViewSet,
    PostingViewSet,
    RecusalViewSet,
    StatisticsView,
    TransferViewSet,
)

router = routers.DefaultRouter()
router.register("items", ItemViewSet, basename="item")
router.register("pool", PoolViewSet, basename="pool")
router.register("inspectors", InspectorViewSet, basename="inspector")
router.register("recusals", RecusalViewSet, basename="recusal")
router.register("postings", PostingViewSet, basename="posting")
router.register("plans", PlanViewSet, basename="plan")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("draws", DrawViewSet, basename="draw")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("cases", CaseViewSet, basename="case")
router.register("ratings", CreditRatingViewSet, basename="rating")
router.register("repairs", CreditRepairViewSet, basename="repair")
router.register("measures", MeasureViewSet, basename="measure")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("clues", ClueViewSet, basename="clue")
router.register("legal-bases", LegalBasisViewSet, basename="legal-basis")

urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics"), *router.urls]
