from rest_framework import routers

from .api import (
    DrawViewSet,
    InspectionViewSet,
    InspectorViewSet,
    ItemViewSet,
    PlanViewSet,
    PoolViewSet,
    RecusalViewSet,
)

router = routers.DefaultRouter()
router.register("items", ItemViewSet, basename="item")
router.register("pool", PoolViewSet, basename="pool")
router.register("inspectors", InspectorViewSet, basename="inspector")
router.register("recusals", RecusalViewSet, basename="recusal")
router.register("plans", PlanViewSet, basename="plan")
router.register("draws", DrawViewSet, basename="draw")
router.register("inspections", InspectionViewSet, basename="inspection")

urlpatterns = router.urls
