"""Test actors of the ledger tests (imported by conftest and the parametrised matrix)."""

# name: (permissions, jurisdiction code or None for city-wide, enterprise id)
ACTORS = {
    "mgr": (["*.view", "ledger.*"], None, None),                      # city ledger manager (督察办)
    "dist": (["ledger.view", "ledger.change", "ledger.rectify", "ledger.request_close", "ledger.verify"],
             "110101", None),                                           # Dongcheng district (区级验收)
    "street": (["ledger.view", "ledger.change", "ledger.rectify", "ledger.request_close"],
               "110101001000", None),                                   # 东华门街道
    "ent": (["ledger.view", "ledger.rectify"], None, 7),               # the enterprise concerned
    "leader": (["*.view"], None, None),                                 # read-only bureau leader
    "xicheng": (["ledger.view", "ledger.change", "ledger.rectify", "ledger.request_close", "ledger.verify"],
                "110102", None),                                        # another district: must see nothing
}
