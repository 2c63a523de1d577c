"""Fuzz: no input crashes or hangs the codec; the only exception is the library's own."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envbureau.hj212 import ALL_CRC_DIALECTS, FrameSplitter, HJ212Error, build_frame, decode, parse_segment

from .test_codec import APPENDIX_A, UPLOAD_2011, UPLOAD_2051

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decode_all(frame):
    try:
        p = decode(frame, crc_dialects=ALL_CRC_DIALECTS, lenient_length=True)
        p.data_time_text, p.wants_ack, list(p.values())
        try:
            _ = p.data_time
        except HJ212Error:
            pass
    except HJ212Error:
        pass


@FUZZ
@given(st.binary(max_size=600))
def test_decode_arbitrary_bytes(data):
    _decode_all(data)
    _decode_all(b"##%04d" % len(data) + data + b"0000\r\n")


@FUZZ
@given(st.binary(max_size=400))
def test_parse_segment_arbitrary_bytes(data):
    try:
        parse_segment(data)
    except HJ212Error:
        pass


@FUZZ
@given(st.binary(max_size=300))
def test_valid_crc_around_arbitrary_segment(data):
    # correct framing and CRC, arbitrary content: exercises the segment parser behind the CRC gate
    _decode_all(build_frame(b"ST=32;CN=2011;CP=&&" + data + b"&&"))
    _decode_all(build_frame(data))


@FUZZ
@given(st.lists(st.binary(max_size=80), max_size=20), st.sampled_from([UPLOAD_2011, APPENDIX_A, UPLOAD_2051]))
def test_splitter_arbitrary_chunks(chunks, frame):
    s = FrameSplitter(max_segment=1024)
    seen = []
    for c in chunks + [frame]:
        for e in s.feed(c):
            assert isinstance(e, (bytes, HJ212Error))
            seen.append(e)
    assert s.pending <= 1024 + 12
    # a valid frame after arbitrary garbage is recovered unless the garbage opened a frame that swallows it
    if not any(b"#" in c or b"\r" in c for c in chunks):
        assert frame in seen


@FUZZ
@given(st.binary(max_size=2000), st.integers(1, 64))
def test_splitter_any_stream_any_chunking(data, step):
    s = FrameSplitter(max_segment=512)
    for i in range(0, len(data), step):
        for e in s.feed(data[i:i + step]):
            if isinstance(e, bytes):
                _decode_all(e)
            else:
                assert isinstance(e, HJ212Error) and e.offset is not None


CP_ALPHABET = st.sampled_from(list("ab-=;,  \t\x0b\x1c\x85\xa0/") + ["DataTime", "DataTime=", "w01018-Avg=", "1.5"])


@FUZZ
@given(st.lists(CP_ALPHABET, max_size=30).map("".join))
def test_lazy_cp_parse_agrees_with_the_full_parser(cp):
    """parse_segment defers CP parsing when a regex says the syntax is fine: that must never let an
    error through, and DataTime read by the fast path must equal the parsed one."""
    from envbureau.hj212.codec import _parse_cp

    seg = ("ST=32;CN=2011;MN=M;CP=&&" + cp + "&&").encode()
    try:
        eager = _parse_cp(cp, 0)
    except HJ212Error:
        eager = None
    try:
        p = parse_segment(seg)
    except HJ212Error:
        assert eager is None
        return
    assert eager is not None, "the fast syntax check accepted what the parser rejects"
    assert (p.params, p.factors) == eager
    assert p.data_time_text == eager[0].get("DataTime")
