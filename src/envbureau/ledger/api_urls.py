from rest_framework import routers

from .api import NotificationViewSet, ProblemViewSet, SignOffChainViewSet, SignOffStepViewSet

router = routers.DefaultRouter()
router.register("problems", ProblemViewSet, basename="problem")
router.register("chains", SignOffChainViewSet, basename="chain")
router.register("chain-steps", SignOffStepViewSet, basename="chain-step")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
