from hypothesis import given, settings
from hypothesis import strategies as st

from envbureau.hj212.crc import HJ212_LOW_BYTES, hj212_crc16, identify_crc, modbus_crc16, swap16


def reference_crc(payload: bytes) -> int:
    """Appendix A step by step, as written in the standard (bitwise, no table)."""
    reg = 0xFFFF
    for byte in payload:
        reg = (reg >> 8) ^ byte
        for _ in range(8):
            carry = reg & 1
            reg >>= 1
            if carry:
                reg ^= 0xA001
    return reg


def test_check_values():
    assert hj212_crc16(b"123456789") == 0x2F80
    assert modbus_crc16(b"123456789") == 0x4B37


def test_standard_appendix_a_example():
    seg = b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
    assert len(seg) == 101
    assert hj212_crc16(seg) == 0x1C80
    assert modbus_crc16(seg) == 0x0759  # the dialect the standard is often confused with


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_fast_forms_equal_bitwise_procedure(data):
    """Both the per-byte table loop (short input) and the folded-lanes form (longer) equal Appendix A."""
    assert hj212_crc16(data) == reference_crc(data)


@given(st.binary(min_size=1, max_size=100))
def test_low_byte_is_one_of_eight(data):
    assert hj212_crc16(data) & 0xFF in HJ212_LOW_BYTES


def test_low_byte_set():
    assert HJ212_LOW_BYTES == {0x00, 0x01, 0x40, 0x41, 0x80, 0x81, 0xC0, 0xC1}


def test_identify_dialects():
    seg = b"ST=32;CN=2011;PW=123456;MN=X;CP=&&DataTime=20200101000000;w01018-Rtd=1&&"
    assert identify_crc(seg, hj212_crc16(seg)) == "hj212"
    m = modbus_crc16(seg)
    if m != hj212_crc16(seg):
        assert identify_crc(seg, m) == "modbus"
        assert identify_crc(seg, swap16(m)) in ("modbus-swapped", "modbus")
    assert identify_crc(seg, hj212_crc16(seg) ^ 0x1234) in (None, "modbus", "modbus-swapped")


def test_step_is_linear_with_order_eight():
    """The property the folded form relies on."""
    from envbureau.hj212.crc import _T_HIGH as H

    assert all(H[a ^ b] == H[a] ^ H[b] for a in range(256) for b in (1, 2, 4, 8, 16, 32, 64, 128))
    for s in range(256):
        v = s
        for _ in range(8):
            v = H[v]
        assert v == s
