"""Anonymous API: the public notice of closed-out problems (no personal data)."""

from rest_framework import routers

from .api import PublicProblemViewSet

router = routers.DefaultRouter()
router.include_root_view = False
router.register("notices", PublicProblemViewSet, basename="public-ledger-notice")

urlpatterns = router.urls
