from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("rules", api.DeadlineRuleViewSet, basename="deadlinerule")
router.register("holidays", api.HolidayViewSet, basename="holiday")

urlpatterns = router.urls
