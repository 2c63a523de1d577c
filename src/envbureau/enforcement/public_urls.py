"""Anonymous API: published draws (seed, hashes, enterprises) and published inspection results."""

from rest_framework import routers

from .api import PublicDrawViewSet, PublicInspectionViewSet, PublicRatingViewSet

router = routers.DefaultRouter()
router.include_root_view = False
router.register("draws", PublicDrawViewSet, basename="public-enforcement-draw-api")
router.register("inspections", PublicInspectionViewSet, basename="public-enforcement-inspection-api")
router.register("ratings", PublicRatingViewSet, basename="public-enforcement-rating-api")

urlpatterns = router.urls
