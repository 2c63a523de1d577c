"""Unified social credit code (统一社会信用代码, GB 32100-2015): structure and check digits.  Pure.

18 characters: registration authority (1) · organisation type (1) · administrative division (6) ·
organisation code (9, GB 11714 with its own check character) · check character (1).
Alphabet: digits and upper-case letters without I, O, Z, S, V (31 symbols, values 0..30).
Check character: weights 3^i mod 31 for positions 1..17; C18 = 31 - (Σ mod 31), 31 → 0.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28

# GB 11714 organisation code: 8 body characters (digits/letters) + check (0-9 or X)
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


class CreditCodeError(ValueError):
    """Why a code is invalid, with the 1-based position when one character is at fault."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must use the code alphabet)."""
    if len(first17) != 17:
        raise CreditCodeError("need exactly 17 characters to compute the check character")
    total = 0
    for i, ch in enumerate(first17):
        if ch not in VALUES:
            raise CreditCodeError(f"character {ch!r} at position {i + 1} is not allowed", i + 1)
        total += VALUES[ch] * WEIGHTS[i]
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an organisation code body (positions 9..16 of a credit code)."""
    total = 0
    for i, ch in enumerate(body8):
        v = int(ch) if ch.isdigit() else ord(ch) - 55  # A=10 … Z=35
        total += v * _ORG_WEIGHTS[i]
    c = 11 - total % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def validate(code: str) -> str:
    """Return the normalised code or raise :class:`CreditCodeError` naming what is wrong."""
    code = normalise(code)
    if len(code) != 18:
        raise CreditCodeError(f"a credit code has 18 characters, got {len(code)}")
    for i, ch in enumerate(code):
        if ch not in VALUES:
            raise CreditCodeError(f"character {ch!r} at position {i + 1} is not allowed "
                                  "(digits and letters except I, O, Z, S, V)", i + 1)
    if not code[2:8].isdigit():
        raise CreditCodeError("positions 3-8 must be the 6-digit administrative division code", 3)
    expected = check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError(f"check character is {code[17]!r}, expected {expected!r}", 18)
    return code


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True


def org_code_ok(code: str) -> bool:
    """Whether the embedded organisation code's own check character is consistent (informational:
    some legitimately issued codes carry historic organisation codes, so we do not reject on it)."""
    code = normalise(code)
    return len(code) == 18 and org_code_check_char(code[8:16]) == code[16]


def make(prefix: str, division: str, body8: str) -> str:
    """Build a valid code: prefix (2 chars, e.g. "91"), division (6 digits), organisation body (8)."""
    first16 = f"{prefix}{division}{body8}".upper()
    first17 = first16 + org_code_check_char(body8.upper())
    return first17 + check_char(first17)
