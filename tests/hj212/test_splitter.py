import pytest

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
    assert str(out[0]) == "framing: length field b'81QN' is not 4 decimal digits at offset 2"
    assert str(out[1]) == "length: declared length 9999 exceeds the cap of 1024 at offset 31"


def test_buffer_is_bounded_without_tail():
    s = FrameSplitter(max_segment=100)
    out = s.feed(b"##0050" + b"a" * 5000)
    assert any(isinstance(e, HJ212Error) for e in out)
    assert s.pending < 200


def test_frame_built_then_split():
    frames = [build_frame(f"ST=32;CN=2011;MN=M{i};CP=&&DataTime=20260101000000;a-Rtd={i}&&") for i in range(50)]
    assert frames_of(FrameSplitter().feed(b"".join(frames))) == frames


def test_a_flood_of_hashes_is_skipped_in_bulk_and_counted_in_bytes():
    """20 MB of '#' (the flood that kept the gateway busy for 94 s) is one error, not one per 2 bytes."""
    s = FrameSplitter()
    chunk = b"#" * 65536
    events = []
    for _ in range(320):
        events += s.feed(chunk)
    events += s.feed(APPENDIX_A)
    errors = [e for e in events if not isinstance(e, bytes)]
    assert len(errors) == 1 and isinstance(errors[0], FramingError) and errors[0].offset == 2
    assert frames_of(events) == [APPENDIX_A]  # resynchronised on the frame after the flood
    # every '#' is garbage: the two kept as a possible frame start turned out to precede APPENDIX_A's '##'
    assert s.garbage_bytes == 320 * 65536


def test_dense_fake_frame_starts_are_one_error_per_read():
    s = FrameSplitter()
    flood = b"##0000" * 10000  # every 6 bytes looks like a frame start, none has a tail
    out = s.feed(flood + UPLOAD_2011)
    assert [type(e).__name__ if not isinstance(e, bytes) else "frame" for e in out] == ["FramingError", "frame"]
    assert out[0].offset == 0 and out[0].skipped == len(flood)
    assert s.garbage_bytes == len(flood)
    assert frames_of(out) == [UPLOAD_2011]


def test_distinct_kinds_of_garbage_stay_distinct_and_blanks_are_not_garbage():
    s = FrameSplitter(max_segment=1024)
    out = s.feed(b"\r\n\r\n" + b"##9999" * 3 + b"junk!" + APPENDIX_A + b" \r\n" + b"##81QN=" + APPENDIX_A)
    kinds = [type(e).__name__ if not isinstance(e, bytes) else "frame" for e in out]
    assert kinds == ["LengthError", "frame", "FramingError", "frame"]
    assert out[0].offset == 4 + 2 and out[0].skipped == 18 + 5  # up to the next frame start
    assert out[2].skipped == 7
    assert s.garbage_bytes == 18 + 5 + 7  # the CR LF and blanks around frames are not counted


def test_garbage_split_across_reads_is_reported_once_and_counted_whole():
    s = FrameSplitter()
    out = []
    for piece in (b"hello ", b"world ", b"again"):
        out += s.feed(piece)
    out += s.feed(APPENDIX_A)
    assert [type(e).__name__ if not isinstance(e, bytes) else "frame" for e in out] == ["FramingError", "frame"]
    assert s.garbage_bytes == len(b"hello world again")


def test_a_frame_whose_text_holds_a_frame_start_is_kept_whole():
    inner = build_frame("ST=32;CN=3020;MN=M;CP=&&DataTime=20260101000000;i11001-Info=//报文 ##0012 重发//&&")
    assert b"##0012" in inner[6:]
    s = FrameSplitter()
    assert s.feed(inner + APPENDIX_A) == [inner, APPENDIX_A]
    assert s.garbage_bytes == 0
    assert decode(inner).factors["i11001"]["Info"] == "//报文 ##0012 重发//"


def test_frames_around_a_run_of_hashes_come_out_once_each():
    s = FrameSplitter()
    out = s.feed(UPLOAD_2011 + b"#" * 7 + APPENDIX_A + b"###" + UPLOAD_2051)
    assert frames_of(out) == [UPLOAD_2011, APPENDIX_A, UPLOAD_2051]
    assert len(out) == 5 and s.garbage_bytes == 10 and s.pending == 0


def test_a_new_splitter_has_nothing_pending():
    s = FrameSplitter()
    assert s.pending == 0 and s.garbage_bytes == 0 and s.feed(b"") == []


def test_garbage_before_a_half_frame_is_reported_and_counted_once_wherever_the_read_is_cut():
    # A bad length field, two frames, then junk after blanks.  Cut anywhere inside the first frame, the
    # garbage before it used to stay in the buffer and come out again with the next read (reported twice,
    # counted twice towards the gateway's garbage budget).
    frame = build_frame("ST=32;CN=2011;MN=M;CP=&&a=1&&")
    stream = b"##00ab\r\n" + frame + frame + b" zz "
    for cut in range(len(stream) - 3):
        s = FrameSplitter()
        out = s.feed(stream[:cut]) + s.feed(stream[cut:])
        errors = [(type(e), e.offset) for e in out if isinstance(e, HJ212Error)]
        assert frames_of(out) == [frame, frame], cut
        # the bad length field once, then the junk from its first non-blank byte (blanks after a frame are
        # not garbage, whatever came before and however the reads fall)
        assert errors == [(FramingError, 2), (FramingError, len(stream) - 3)], cut
        assert out[-1].skipped == 3, cut
        # a cut inside "##00ab" or its CR LF leaves the CR LF as blanks between frames, not garbage
        assert s.garbage_bytes == {6: 9, 7: 10}.get(cut, 11), cut


def test_a_length_field_off_by_one_or_more_still_cuts_a_candidate_frame():
    # Some loggers count the length wrongly; the splitter must still hand the frame on (decode then reports
    # the LengthError, or accepts it with lenient_length).  One byte too many declared used to make it garbage
    # before another frame, and a wait for one more byte at the end of the stream.
    frame = build_frame("ST=32;CN=2011;MN=M;CP=&&a=1&&")
    real = len(frame) - 12
    for declared in (real - 2, real - 1, real + 1, real + 2, real + 6):
        bad = b"##%04d" % declared + frame[6:]
        assert FrameSplitter().feed(bad) == [bad], declared
        stream = bad + frame + b"xx" + bad
        for cut in range(len(stream) + 1):
            s = FrameSplitter()
            out = s.feed(stream[:cut]) + s.feed(stream[cut:])
            assert frames_of(out) == [bad, frame, bad], (declared, cut)
            assert [(type(e), e.offset) for e in out if isinstance(e, HJ212Error)] == [
                (FramingError, 2 * len(frame))], (declared, cut)
        with pytest.raises(LengthError):
            decode(bad)
        assert decode(bad, lenient_length=True).declared_length == declared


def test_a_frame_after_garbage_is_cut_from_its_own_start_when_its_length_is_overstated():
    long_ = b"##0200" + APPENDIX_A[6:]
    assert FrameSplitter().feed(b"xx" + long_ + ANSWER_2011)[1:] == [long_, ANSWER_2011]
    assert FrameSplitter().feed(ANSWER_2011 + long_ + ANSWER_2011) == [ANSWER_2011, long_, ANSWER_2011]
    assert FrameSplitter().feed(b"##0010\r\n" + ANSWER_2011) == [b"##0010\r\n", ANSWER_2011]  # CR LF right after the length


def test_a_frame_without_its_tail_is_waited_for_up_to_the_cap_plus_its_12_framing_bytes():
    head = b"##0100" + b"x" * 106  # 112 bytes: '##', 4 digits, a 100-byte segment, CRC and CR LF would fit
    s = FrameSplitter(max_segment=100)
    assert s.feed(head) == [] and s.pending == 112
    out = s.feed(b"x")  # one byte past what any frame under the cap can be
    assert len(out) == 1 and out[0].detail == "frame has no CR LF tail within the size cap"
    assert (out[0].offset, out[0].skipped, s.pending) == (0, 113, 0)


def test_a_frame_cut_short_by_the_next_frame_is_reported_and_the_next_one_kept():
    # 20 bytes of a frame ("##0010", 10 bytes, a CRC) with no CR LF before the next frame begins
    short = b"##0010abcdefghij1234"
    s = FrameSplitter()
    err, frame = s.feed(short + ANSWER_2011)
    assert frame == ANSWER_2011
    assert (err.detail, err.offset, err.skipped) == ("frame has no CR LF tail", 0, 20)
    # an understated length ("##0004") whose frame has no CR LF before the next one: not cut at the next frame's
    err, frame = FrameSplitter().feed(short.replace(b"0010", b"0004") + ANSWER_2011)
    assert frame == ANSWER_2011 and (err.detail, err.offset, err.skipped) == ("frame has no CR LF tail", 0, 20)


def test_a_half_frame_after_a_whole_one_is_waited_for_by_its_own_length():
    s = FrameSplitter(max_segment=100)
    half = b"##0100" + b"x" * 54  # 60 of its 112 bytes: the cap counts from its own start, not the buffer's
    assert s.feed(ANSWER_2011 + half) == [ANSWER_2011] and s.pending == 60


def test_an_oversized_frame_then_one_without_its_tail_are_two_errors_in_stream_order():
    # a length over the cap (LengthError) runs up to the next frame start; the frame there has no CR LF tail
    # (FramingError): an error of another kind ends the first run, so both are reported, the first one first
    s = FrameSplitter(max_segment=100)
    over = b"##0500" + b"y" * 10
    short = b"##0010abc"
    too_long, no_tail, frame = s.feed(over + short + ANSWER_2011)
    assert frame == ANSWER_2011
    assert (type(too_long), too_long.offset, too_long.skipped) == (LengthError, 2, 16)
    assert (type(no_tail), no_tail.detail, no_tail.offset, no_tail.skipped) == (
        FramingError, "frame has no CR LF tail", 16, 9)
    # the same with nothing after the tailless frame but more bytes than any frame under the cap
    too_long, no_tail = FrameSplitter(max_segment=100).feed(over + b"##0010" + b"z" * 120)
    assert (type(too_long), too_long.skipped) == (LengthError, 16)
    assert (no_tail.detail, no_tail.offset, no_tail.skipped) == ("frame has no CR LF tail within the size cap", 16, 126)
