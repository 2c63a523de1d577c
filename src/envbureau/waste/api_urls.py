from django.urls import path
from rest_framework import routers

from . import api

router = routers.DefaultRouter()
router.register("producers", api.ProducerViewSet, basename="producer")
router.register("plans", api.PlanViewSet, basename="plan")
router.register("operators", api.OperatorViewSet, basename="operator")
router.register("licences", api.LicenceViewSet, basename="licence")
router.register("transporters", api.TransporterViewSet, basename="transporter")
router.register("approvals", api.ApprovalViewSet, basename="approval")
router.register("applications", api.ApplicationViewSet, basename="application")
router.register("stock", api.StockViewSet, basename="stock")
router.register("manifests", api.ManifestViewSet, basename="manifest")
router.register("declarations", api.DeclarationViewSet, basename="declaration")
router.register("alerts", api.AlertViewSet, basename="alert")
router.register("norm-rounds", api.NormRoundViewSet, basename="norm-round")
router.register("norm-checks", api.NormCheckViewSet, basename="norm-check")
router.register("platforms", api.PlatformViewSet, basename="platform")
router.register("industrial", api.IndustrialViewSet, basename="industrial")
router.register("cells", api.CellViewSet, basename="cell")

urlpatterns = [path("reconciliation/", api.ReconciliationView.as_view(), name="reconciliation"),
               path("statistics/", api.StatisticsView.as_view(), name="statistics"), *router.urls]
