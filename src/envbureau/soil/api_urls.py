from django.urls import path
from rest_framework import routers

from . import api

router = routers.DefaultRouter()
router.register("plots", api.PlotViewSet, basename="plot")
router.register("samples", api.SampleViewSet, basename="sample")
router.register("reviews", api.ReviewViewSet, basename="review")
router.register("key-units", api.KeyUnitViewSet, basename="key-unit")
router.register("duties", api.DutyViewSet, basename="duty")
router.register("farmland", api.FarmlandViewSet, basename="farmland")
router.register("farmland-samples", api.FarmlandSampleViewSet, basename="farmland-sample")

urlpatterns = [path("indicators/", api.IndicatorsView.as_view(), name="indicators"), *router.urls]
