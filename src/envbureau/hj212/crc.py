"""CRCs used on HJ 212 frames.

The standard's CRC (Appendix A of HJ 212-2017 / HJ/T 212-2005) is *not* CRC-16/MODBUS: each step
keeps the register's old high byte and XORs the new byte into it.  Its state is therefore
effectively 8 bits (only 256 possible values), which makes a two-table form cheap in Python.
"""

from __future__ import annotations


def _modbus_table() -> list[int]:
    table = []
    for i in range(256):
        reg = i
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
        table.append(reg)
    return table


_T = _modbus_table()
_T_HIGH = [t >> 8 for t in _T]

#: The 8 low bytes an HJ 212 CRC can end with (a cheap detector for other CRC dialects).
HJ212_LOW_BYTES = frozenset(t & 0xFF for t in _T)


def hj212_crc16(payload: bytes) -> int:
    """CRC of HJ 212 Appendix A over the data-segment bytes (render as ``%04X``)."""
    if not payload:
        return 0xFFFF
    high = _T_HIGH
    # reg = T[(reg >> 8) ^ byte]; only the table index needs carrying between bytes.
    s = 0xFF ^ payload[0]
    for byte in payload[1:]:
        s = high[s] ^ byte
    return _T[s]


def modbus_crc16(payload: bytes) -> int:
    """CRC-16/MODBUS (some vendors use it instead of the standard's CRC)."""
    table = _T
    reg = 0xFFFF
    for byte in payload:
        reg = (reg >> 8) ^ table[(reg ^ byte) & 0xFF]
    return reg


def swap16(value: int) -> int:
    return ((value & 0xFF) << 8) | (value >> 8)


#: Names of the CRC dialects :func:`identify_crc` can report.
HJ212 = "hj212"
MODBUS = "modbus"
MODBUS_SWAPPED = "modbus-swapped"


def identify_crc(payload: bytes, received: int) -> str | None:
    """Which CRC produced ``received`` over ``payload``: "hj212", "modbus", "modbus-swapped" or None."""
    if hj212_crc16(payload) == received:
        return HJ212
    m = modbus_crc16(payload)
    if m == received:
        return MODBUS
    if swap16(m) == received:
        return MODBUS_SWAPPED
    return None
