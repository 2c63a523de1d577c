from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.download, name="download"),
    path("issue/", views.issue, name="issue"),
    path("archive/", views.archive, name="archive-list"),
    path("archive/<int:pk>/", views.archive_detail, name="archive-detail"),
]
