"""Keep the derived jurisdiction results right when a station moves or stops counting."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import AirStation


@receiver(pre_save, sender=AirStation, dispatch_uid="quality_station_pre_save")
def _remember(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = AirStation.objects.filter(pk=instance.pk).values_list("jurisdiction_id", "counts_in_city_assessment",
                                                                 "jurisdiction__path").first()
    instance._eb_old = old


@receiver(post_save, sender=AirStation, dispatch_uid="quality_station_post_save")
def _rebuild(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_eb_old", None)
    if raw or created or old is None:
        return
    if (old[0], old[1]) != (instance.jurisdiction_id, instance.counts_in_city_assessment):
        from .derived import station_moved

        station_moved(instance, old[2])
