from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="public-portal-home"),
    path("air/", views.air, name="public-portal-air"),
    path("water/", views.water, name="public-portal-water"),
    path("noise/", views.noise, name="public-portal-noise"),
    path("reports/<int:pk>/<str:fmt>/", views.report_file, name="public-portal-report-file"),
]
