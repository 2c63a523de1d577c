from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("rules", api.DeadlineRuleViewSet, basename="deadlinerule")

urlpatterns = router.urls
