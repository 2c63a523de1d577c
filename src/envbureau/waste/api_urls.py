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
router.register("stock", api.StockViewSet, basename="stock")
router.register("manifests", api.ManifestViewSet, basename="manifest")
router.register("declarations", api.DeclarationViewSet, basename="declaration")
router.register("alerts", api.AlertViewSet, basename="alert")

urlpatterns = [path("reconciliation/", api.ReconciliationView.as_view(), name="reconciliation"), *router.urls]
