"""Keep the derived jurisdiction results right when a station moves or a station network changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import AirStation, SensorCorrection, StationNetwork


@receiver(pre_save, sender=AirStation, dispatch_uid="quality_station_pre_save")
def _remember(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = AirStation.objects.filter(pk=instance.pk).values_list("jurisdiction_id", "jurisdiction__path").first()
    instance._eb_old = old


@receiver(post_save, sender=AirStation, dispatch_uid="quality_station_post_save")
def _rebuild(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_eb_old", None)
    if raw or created or old is None:
        return
    if old[0] != instance.jurisdiction_id:
        from .derived import station_moved

        station_moved(instance, old[1])


@receiver(pre_save, sender=StationNetwork, dispatch_uid="quality_network_pre_save")
def _remember_network(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    instance._eb_old = StationNetwork.objects.filter(pk=instance.pk).values_list(
        "purpose", "valid_from", "valid_to").first()


@receiver(post_save, sender=StationNetwork, dispatch_uid="quality_network_post_save")
def _network_saved(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_eb_old", None)
    if raw or created or old is None or old == (instance.purpose, instance.valid_from, instance.valid_to):
        return
    from .networks import network_changed

    network_changed(instance, windows=[(old[1], old[2])])


@receiver(m2m_changed, sender=StationNetwork.stations.through, dispatch_uid="quality_network_members")
def _members_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    from .networks import network_changed

    if action == "pre_clear":  # the members about to go: remember them for the rebuild after
        if reverse:
            instance._eb_cleared = list(instance.networks.all())
        else:
            instance._eb_cleared = list(instance.stations.values_list("pk", flat=True))
        return
    if reverse:  # station.networks.add(...): rebuild each network touched
        from .models import StationNetwork as N

        nets = getattr(instance, "_eb_cleared", None) if action == "post_clear" else N.objects.filter(pk__in=pk_set)
        for n in nets or ():
            network_changed(n, stations=[instance.pk])
        return
    gone = getattr(instance, "_eb_cleared", []) if action == "post_clear" else (pk_set or ())
    network_changed(instance, stations=gone)


@receiver(pre_save, sender=SensorCorrection, dispatch_uid="quality_correction_pre_save")
def _remember_correction(sender, instance, raw=False, **kwargs):
    instance._eb_old = None if raw or instance.pk is None else SensorCorrection.objects.filter(
        pk=instance.pk).values_list("station_id", "start", "end").first()


@receiver(post_save, sender=SensorCorrection, dispatch_uid="quality_correction_post_save")
@receiver(post_delete, sender=SensorCorrection, dispatch_uid="quality_correction_post_delete")
def _correction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .derived import corrections_changed

    old = getattr(instance, "_eb_old", None)
    if old is not None and old[0] != instance.station_id:
        corrections_changed(old[0], [(old[1], old[2])])
    windows = [(instance.start, instance.end)] + ([(old[1], old[2])] if old and old[0] == instance.station_id else [])
    corrections_changed(instance.station_id, windows)
