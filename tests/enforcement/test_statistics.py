"""Enforcement statistics: amounts in yuan print alike whatever the database returned."""



def test_yuan_amounts_print_to_the_fen_whatever_sum_returned():
    from decimal import Decimal

    from envbureau.enforcement.stats import _yuan

    # SQLite's SUM gives 26000 where a Python sum gives 20000.00: one table must print both alike
    assert [str(_yuan(v)) for v in (26000, Decimal("20000.00"), None, Decimal("0.005"), 1.1)] == \
        ["26000.00", "20000.00", "0.00", "0.01", "1.10"]
