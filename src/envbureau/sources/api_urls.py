from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")
router.register("outlets", api.OutletViewSet, basename="outlet")
router.register("points", api.PointViewSet, basename="point")
router.register("limits", api.LimitViewSet, basename="limit")
router.register("alarms", api.AlarmViewSet, basename="alarm")
router.register("declarations", api.DeclarationViewSet, basename="declaration")
router.register("hourly", api.HourlyViewSet, basename="hourly")
router.register("daily", api.DailyViewSet, basename="daily")
router.register("dossier-events", api.DossierEventViewSet, basename="dossier-event")
router.register("unknown-mns", api.UnknownMNViewSet, basename="unknown-mn")

urlpatterns = router.urls
