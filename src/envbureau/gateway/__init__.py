"""HJ 212 device gateway: asyncio TCP server, durable packet log, columnar store, simulator.

Data path::

    device ──TCP──> server.py  FrameSplitter → decode → registry policy → dedup (MN, CN, DataTime, PNO)
                       │ group commit: write + fdatasync of every packet that arrived meanwhile
                       ├──> 9014/9013 answers (only after the fsync)
                       └──> registry.on_stored(batch)  (worker thread, at least once, cursor on disk)
    log/*.seg ──seal (size or age)──> compact.py (separate process) ──> parquet/<kind>/day=…/mn=….parquet
                                                                   └─> raw/YYYYMMDD/*.seg.gz (audit)
    query.read_series(mn, kind, start, end)  = log (recent) ∪ partitions (older), one series

Modules: ``registry`` (the seam to the sources app), ``store`` (packet log), ``server``,
``compact`` (Parquet + retention), ``query``, ``stats``, ``sim`` (``hj212-sim``), ``cli``.
Storage lives in ``$ENVBUREAU_DATA_DIR/online`` (default ``./data/online``).
"""
