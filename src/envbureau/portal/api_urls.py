from django.urls import path

from .api import LocationsView, MeasurementsView, WaterView

urlpatterns = [
    path("locations/", LocationsView.as_view(), name="public-data-locations"),
    path("measurements/", MeasurementsView.as_view(), name="public-data-measurements"),
    path("water/", WaterView.as_view(), name="public-data-water"),
]
