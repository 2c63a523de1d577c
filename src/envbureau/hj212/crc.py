"""CRCs used on HJ 212 frames.

The standard's CRC (Appendix A of HJ 212-2017 / HJ/T 212-2005) is *not* CRC-16/MODBUS: each step
keeps the register's old high byte and XORs the new byte into it.  Its state is therefore
effectively 8 bits (only 256 possible values); see ``hj212_crc16`` for how that makes it fast.
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


# The step s -> T[s] >> 8 is linear over GF(2) and has order 8 (applying it 8 times is the
# identity).  So the final index is H^((n-1)%8)(0xFF) XOR the sum over r of H^r(F_r), where F_r is the
# XOR of every byte whose distance from the end is r (mod 8): eight byte-lanes folded with 64-bit XORs
# in C instead of a Python step per byte.
_POW = [list(range(256))]
for _ in range(7):
    _POW.append([_T_HIGH[v] for v in _POW[-1]])
_INIT = [_POW[r][0xFF] for r in range(8)]
_MASKS: dict[int, int] = {}
_FOLD_MIN = 48  # below this the plain loop is as fast


def hj212_crc16(payload: bytes) -> int:
    """CRC of HJ 212 Appendix A over the data-segment bytes (render as ``%04X``)."""
    n = len(payload)
    if not n:
        return 0xFFFF
    if n >= _FOLD_MIN:
        # leading zero padding to whole 8-byte words changes no XOR; fold the words in halves
        w = int.from_bytes(payload, "little")
        words = (n + 7) >> 3
        while words > 1:
            half = words >> 1
            bits = half << 6
            mask = _MASKS.get(bits)
            if mask is None:
                mask = _MASKS[bits] = (1 << bits) - 1
            w = (w >> bits) ^ (w & mask)
            words -= half
        w <<= (-n % 8) << 3  # the padding sits at the low end: shift the lanes into place
        w = (w >> 64) ^ (w & 0xFFFFFFFFFFFFFFFF)
        p = _POW
        s = (_INIT[(n - 1) & 7] ^ p[7][w & 0xFF] ^ p[6][(w >> 8) & 0xFF] ^ p[5][(w >> 16) & 0xFF]
             ^ p[4][(w >> 24) & 0xFF] ^ p[3][(w >> 32) & 0xFF] ^ p[2][(w >> 40) & 0xFF]
             ^ p[1][(w >> 48) & 0xFF] ^ (w >> 56))
        return _T[s]
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
