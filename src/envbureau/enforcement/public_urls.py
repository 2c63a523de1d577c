"""Anonymous API: published draws (seed, hashes, enterprises), inspection results, penalty decisions (within their
publication period), credit ratings and seizure decisions."""

from rest_framework import routers

from .api import (
    PublicCommitmentViewSet,
    PublicDrawViewSet,
    PublicInspectionViewSet,
    PublicPenaltyViewSet,
    PublicRatingViewSet,
    PublicSeizureViewSet,
)

router = routers.DefaultRouter()
router.include_root_view = False
router.register("commitments", PublicCommitmentViewSet, basename="public-enforcement-commitment-api")
router.register("draws", PublicDrawViewSet, basename="public-enforcement-draw-api")
router.register("inspections", PublicInspectionViewSet, basename="public-enforcement-inspection-api")
router.register("penalties", PublicPenaltyViewSet, basename="public-enforcement-penalty-api")
router.register("ratings", PublicRatingViewSet, basename="public-enforcement-rating-api")
router.register("seizures", PublicSeizureViewSet, basename="public-enforcement-seizure-api")

urlpatterns = router.urls
