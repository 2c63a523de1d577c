import pytest

from envbureau.sources import credit_code as cc


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",  # the example printed with GB 32100-2015 explanations
    "91110108551385082Q",
])
def test_published_codes_are_valid(code):
    assert cc.validate(code) == code
    assert cc.is_valid(code.lower())  # normalised to upper case


def test_every_wrong_check_character_is_rejected():
    good = "91350100M000100Y43"
    for ch in cc.ALPHABET:
        if ch == good[-1]:
            continue
        with pytest.raises(cc.CreditCodeError) as e:
            cc.validate(good[:17] + ch)
        assert e.value.position == 18


def test_single_character_changes_are_detected():
    good = "91110108551385082Q"
    for i in range(17):
        for ch in "0A":
            if good[i] == ch:
                continue
            bad = good[:i] + ch + good[i + 1:]
            if not bad[2:8].isdigit():
                continue
            assert not cc.is_valid(bad), bad


@pytest.mark.parametrize("code,pos", [
    ("91350100M000100Y4", None),      # 17 characters
    ("91350100M000100Y433", None),    # 19 characters
    ("9135010OM000100Y43", 8),        # letter O is not in the alphabet
    ("91350100I000100Y43", 9),        # nor is I
    ("91A50100M000100Y43", 3),        # division code must be digits
])
def test_malformed(code, pos):
    with pytest.raises(cc.CreditCodeError) as e:
        cc.validate(code)
    assert e.value.position == pos


def test_make_builds_valid_codes_with_consistent_org_code():
    code = cc.make("91", "110101", "MA01ABCD")
    assert len(code) == 18 and cc.is_valid(code) and cc.org_code_ok(code)
    assert cc.org_code_ok("91350100M000100Y43")


def test_check_char_against_hand_computation():
    # Σ value×weight for "91350100M000100Y4" computed by hand = 9·1+1·3+3·9+5·27+0+1·26+0+0+21·20+0+0+0+1·8+0+0+30·30+4·28
    total = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112
    assert cc.ALPHABET[(31 - total % 31) % 31] == "3" == cc.check_char("91350100M000100Y4")
