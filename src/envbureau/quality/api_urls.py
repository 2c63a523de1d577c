from django.urls import path
from rest_framework import routers

from . import api

router = routers.DefaultRouter()
router.register("stations", api.AirStationViewSet)
router.register("sections", api.WaterSectionViewSet)
router.register("drinking-sources", api.DrinkingWaterSourceViewSet)
router.register("noise-stations", api.NoiseStationViewSet)
router.register("targets", api.TargetViewSet)
router.register("air-daily", api.AirDailyViewSet)
router.register("city-daily", api.CityDailyViewSet)
router.register("period-stats", api.AirPeriodStatViewSet)
router.register("warnings", api.WarningViewSet)
router.register("alerts", api.HeavyPollutionAlertViewSet)
router.register("peer-figures", api.PeerFigureViewSet)
router.register("networks", api.StationNetworkViewSet)

urlpatterns = [path("assessment/", api.AssessmentView.as_view(), name="quality-assessment"),
               path("water-assessment/", api.WaterAssessmentView.as_view(), name="quality-water-assessment"),
               path("registry/", api.RegistryView.as_view(), name="quality-registry"),
               path("street-rankings/", api.StreetRankingView.as_view(), name="quality-street-rankings")] + router.urls
