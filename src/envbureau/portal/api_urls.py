from django.urls import path

from .api import LocationsView, MeasurementsView, NoiseView, WaterView

urlpatterns = [
    path("locations/", LocationsView.as_view(), name="public-data-locations"),
    path("measurements/", MeasurementsView.as_view(), name="public-data-measurements"),
    path("water/", WaterView.as_view(), name="public-data-water"),
    path("noise/", NoiseView.as_view(), name="public-data-noise"),
]
