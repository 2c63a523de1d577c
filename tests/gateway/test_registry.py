import json
import sys
import types

from envbureau.gateway.registry import (
    FileRegistry,
    MemoryRegistry,
    OpenRegistry,
    PointDirectory,
    PointInfo,
    Registry,
    load_registry,
)


def test_file_registry_reloads_when_changed(tmp_path):
    path = tmp_path / "points.json"
    path.write_text(json.dumps({"points": [{"mn": "A", "id": 1, "crc_dialects": ["hj212", "modbus"]}]}))
    reg = load_registry(f"file:{path}")
    assert isinstance(reg, FileRegistry)
    d = PointDirectory(reg)
    d.refresh()
    assert d.resolve("A").crc_dialects == {"hj212", "modbus"} and d.resolve("B") is None
    path.write_text(json.dumps({"points": [{"mn": "B", "id": 2, "enabled": False}]}))
    import os

    os.utime(path, ns=(1, 10**18))
    d.refresh()
    assert d.resolve("A") is None and d.resolve("B").enabled is False


def test_plugin_registry_by_import_path(monkeypatch):
    """How the sources app plugs in: --registry package.module:factory, duck typing is enough."""

    class DjangoLikeRegistry:
        def load_points(self):
            return [PointInfo(mn="X1", id=42, password="pw")]

        def on_stored(self, batch):
            pass

    mod = types.ModuleType("fake_sources_gateway")
    mod.registry = DjangoLikeRegistry
    monkeypatch.setitem(sys.modules, "fake_sources_gateway", mod)
    reg = load_registry("fake_sources_gateway:registry")
    assert isinstance(reg, Registry)
    d = PointDirectory(reg)
    d.refresh()
    assert d.resolve("X1").id == 42 and d.resolve("nope") is None


def test_open_and_memory_registries():
    assert load_registry("open").resolve("ANY").id == "ANY"
    assert isinstance(load_registry(None), OpenRegistry)
    m = MemoryRegistry([PointInfo(mn="A", id=1)])
    assert m.resolve("A").id == 1 and m.resolve("B") is None
