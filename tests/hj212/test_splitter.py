from envbureau.hj212 import FrameSplitter, FramingError, HJ212Error, LengthError, build_frame, decode

from .test_codec import ANSWER_2011, APPENDIX_A, UPLOAD_2011, UPLOAD_2051

STREAM = UPLOAD_2011 + APPENDIX_A + UPLOAD_2051


def frames_of(events):
    return [e for e in events if isinstance(e, bytes)]


def test_sticky_packets_in_one_read():
    assert frames_of(FrameSplitter().feed(STREAM)) == [UPLOAD_2011, APPENDIX_A, UPLOAD_2051]


def test_half_packets_at_every_split_point():
    for cut in range(len(STREAM) + 1):
        s = FrameSplitter()
        out = s.feed(STREAM[:cut]) + s.feed(STREAM[cut:])
        assert out == [UPLOAD_2011, APPENDIX_A, UPLOAD_2051], cut


def test_byte_by_byte():
    s = FrameSplitter()
    out = []
    for i in range(len(STREAM)):
        out += s.feed(STREAM[i:i + 1])
    assert out == [UPLOAD_2011, APPENDIX_A, UPLOAD_2051]
    assert s.pending == 0


def test_junk_between_frames_reported_with_offset():
    out = FrameSplitter().feed(UPLOAD_2011 + b"HELLO" + APPENDIX_A)
    assert out[0] == UPLOAD_2011 and out[2] == APPENDIX_A
    assert isinstance(out[1], FramingError) and out[1].offset == len(UPLOAD_2011)


def test_wrong_length_field_resyncs_on_crlf():
    short = b"##0090" + APPENDIX_A[6:]  # understated
    long_ = b"##0200" + APPENDIX_A[6:]  # overstated
    for bad in (short, long_):
        out = FrameSplitter().feed(bad + ANSWER_2011)
        assert out == [bad, ANSWER_2011]
        try:
            decode(bad)
            raise AssertionError("must fail")
        except LengthError:
            pass
    # an overstated length at the end of the stream must not hang waiting
    assert FrameSplitter().feed(long_) == [long_]


def test_bad_length_digits_and_cap():
    s = FrameSplitter(max_segment=1024)
    out = s.feed(b"##81QN=;ST=23;CN=1012&&1DC0\r\n" + b"##9999" + b"x" * 50 + APPENDIX_A)
    kinds = [type(e).__name__ if not isinstance(e, bytes) else "frame" for e in out]
    assert kinds == ["FramingError", "LengthError", "frame"]
    assert out[0].offset == 2


def test_buffer_is_bounded_without_tail():
    s = FrameSplitter(max_segment=100)
    out = s.feed(b"##0050" + b"a" * 5000)
    assert any(isinstance(e, HJ212Error) for e in out)
    assert s.pending < 200


def test_frame_built_then_split():
    frames = [build_frame(f"ST=32;CN=2011;MN=M{i};CP=&&DataTime=20260101000000;a-Rtd={i}&&") for i in range(50)]
    assert frames_of(FrameSplitter().feed(b"".join(frames))) == frames
