"""One base for scoped models: every model that declares a ScopeSpec reads through the scoped manager (it
subclasses core.scoping.ScopedModel, or — a proxy or a model on its own abstract base — keeps the manager
line), and every ScopedModel declares its ScopeSpec (spec_of would refuse it at the first list)."""

from django.apps import apps

from envbureau.core.scoping import ScopedModel, ScopedQuerySet, ScopeSpec, spec_of

OWN = "envbureau."


def _ours():
    return [m for m in apps.get_models() if m.__module__.startswith(OWN)]


def test_every_scoped_model_has_the_scoped_manager():
    wrong = [m._meta.label for m in _ours() if isinstance(getattr(m, "scope", None), ScopeSpec)
             and not isinstance(m._default_manager.all(), ScopedQuerySet)]
    assert wrong == []


def test_every_scoped_model_base_user_declares_its_scope():
    users = [m for m in _ours() if issubclass(m, ScopedModel)]
    assert len(users) > 60  # the ~70 manager lines this base replaced
    for m in users:
        assert spec_of(m).module, m._meta.label
        assert m.objects.restrict is not None


def test_the_models_on_the_base_are_the_scoped_ones_written_by_hand_no_more():
    by_hand = sorted(m._meta.label for m in _ours() if isinstance(getattr(m, "scope", None), ScopeSpec)
                     and not issubclass(m, ScopedModel))
    # a proxy of a scoped model and the daily tables on their own abstract base; the user model
    # and the audit log bring their own scoped managers
    assert set(by_hand) <= {"core.User", "core.AuditEntry", "quality.AirDaily", "quality.CityDaily"}, by_hand
