"""HJ 212 framing, parsing and replies.  Pure: bytes in, objects/bytes out, no I/O.

Frame: ``##`` + 4-digit length + data segment + 4 hex CRC + CRLF.  The data segment is
``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;]CP=&&…&&``; headers are parsed by key (devices
reorder and omit them), the CP area runs from the first ``CP=&&`` to the last ``&&``.

Every malformed input raises a subclass of :class:`HJ212Error` naming what is wrong and the byte
offset in the frame (or stream, for :class:`FrameSplitter`).  Nothing else is raised on any input.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from . import codes
from .crc import HJ212, MODBUS, MODBUS_SWAPPED, hj212_crc16, identify_crc

#: Largest data segment the standard allows; the 4-digit field allows up to 9999.
STANDARD_MAX_SEGMENT = 1024
DEFAULT_MAX_SEGMENT = 4096
ALL_CRC_DIALECTS = (HJ212, MODBUS, MODBUS_SWAPPED)
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


# --------------------------------------------------------------------------------------------
# errors


class HJ212Error(ValueError):
    """Base of every error this library raises.  ``kind`` is a stable reason keyword."""

    kind = "syntax"

    def __init__(self, message: str, offset: int | None = None, raw: bytes = b""):
        self.offset = offset
        self.detail = message
        self.raw = raw
        #: bytes of the stream this error stands for (a run of garbage may be longer than ``raw``)
        self.skipped = len(raw)
        where = f" at offset {offset}" if offset is not None else ""
        super().__init__(f"{self.kind}: {message}{where}")


class FramingError(HJ212Error):
    """``##``/length/CRLF framing is wrong, or bytes arrived outside any frame."""

    kind = "framing"


class LengthError(HJ212Error):
    """The length field disagrees with the data segment, or exceeds the size cap."""

    kind = "length"


class CRCError(HJ212Error):
    """CRC missing, malformed, wrong, or produced by a CRC dialect the caller did not accept."""

    kind = "crc"

    def __init__(self, message: str, offset: int | None = None, raw: bytes = b"",
                 dialect: str | None = None, packet: Packet | None = None):
        super().__init__(message, offset, raw)
        self.dialect = dialect
        #: for a recognised but not accepted dialect: the parsed packet (so a caller can look at MN)
        self.packet = packet


class SegmentError(HJ212Error):
    """The data segment (header fields or CP area) does not follow the syntax."""

    kind = "syntax"


# --------------------------------------------------------------------------------------------
# packet


class Packet:
    """A decoded frame.  Header fields are attributes; the CP area is parsed on first use of
    ``params``/``factors`` (its syntax was already checked by :func:`parse_segment`)."""

    __slots__ = ("segment", "header", "crc_dialect", "declared_length", "raw", "qn", "st", "cn", "pw", "mn",
                 "flag", "pnum", "pno", "_params", "_factors", "_cp", "_cp_offset", "data_time_text", "_repeated")

    def __init__(self, segment: bytes, header: dict[str, str], params: dict[str, str] | None = None,
                 factors: dict[str, dict[str, str]] | None = None, crc_dialect: str = HJ212,
                 declared_length: int | None = None, raw: bytes = b"", cp: str | None = None,
                 cp_offset: int = 0, data_time_text: str | None = None, repeated: list[str] | None = None):
        self.segment = segment
        self.header = header
        self.crc_dialect = crc_dialect
        #: declared length when it disagreed with the real one and the caller accepted it
        self.declared_length = declared_length
        self.raw = raw
        self._params = params
        self._factors = factors
        self._repeated = repeated if repeated is not None else ([] if params is not None else None)
        self._cp = cp
        self._cp_offset = cp_offset
        h = header
        self.qn = h.get("QN")
        self.st = h.get("ST")
        self.cn = h.get("CN")
        self.pw = h.get("PW")
        self.mn = h.get("MN")
        self.flag = _int_or_none(h.get("Flag"))
        self.pnum = _int_or_none(h.get("PNUM"))
        self.pno = _int_or_none(h.get("PNO"))
        #: DataTime as received (None when absent)
        self.data_time_text = params.get("DataTime") if params is not None else data_time_text

    def _parse(self) -> None:
        self._repeated = []
        self._params, self._factors = _parse_cp(self._cp or "", self._cp_offset, self._repeated)

    @property
    def params(self) -> dict[str, str]:
        """CP keys that are not factor fields (DataTime, QnRtn, RtdInterval, …), in order."""
        if self._params is None:
            self._parse()
        return self._params

    @property
    def factors(self) -> dict[str, dict[str, str]]:
        """factor code (as received) -> field suffix -> raw value text."""
        if self._factors is None:
            self._parse()
        return self._factors

    @property
    def repeated(self) -> list[str]:
        """CP keys the frame sent more than once, one entry per extra occurrence (``B01-Rtd`` sent three
        times gives it twice).  ``params``/``factors`` keep the FIRST value of a repeated key."""
        if self._repeated is None:
            self._parse()
        return self._repeated

    def data_fields(self) -> list[str]:
        """Pollutant value keys (``-Rtd``, ``-Avg``, …) in the CP area — expected only under 2011/2051/2061/2031."""
        return [f"{code}-{name}" for code, fields in self.factors.items() for name in fields
                if name in codes.DATA_VALUE_FIELDS]

    def __repr__(self) -> str:
        return f"Packet(cn={self.cn!r}, mn={self.mn!r}, qn={self.qn!r}, flag={self.flag!r}, dt={self.data_time_text!r})"

    @property
    def version(self) -> int:
        return 0 if self.flag is None else codes.flag_version(self.flag)

    @property
    def wants_ack(self) -> bool:
        """A bit set (answers, 90xx, are never answered)."""
        return self.flag is not None and bool(self.flag & codes.FLAG_ACK) and not codes.is_answer(self.cn or "")

    @property
    def is_split(self) -> bool:
        return self.pnum is not None or self.pno is not None

    @property
    def kind(self) -> str | None:
        """"rtd" / "minute" / "hour" / "day" for value uploads, else None."""
        return codes.DATA_KINDS.get(self.cn or "")

    @property
    def data_time(self) -> datetime | None:
        """DataTime as an aware datetime in China time (UTC+8), or None when absent."""
        text = self.data_time_text
        if text is None:
            return None
        try:
            return parse_time(text, "DataTime")
        except SegmentError as exc:
            at = self.segment.find(b"DataTime=")
            # offset of the value in the frame (the data segment starts after '##' and the length)
            raise SegmentError(exc.detail, 6 + at + 9 if at >= 0 else None, self.raw) from None

    @property
    def dedup_key(self) -> tuple[str | None, str | None, str | None, int | None]:
        """(MN, CN, DataTime, PNO): devices repeat QN, so QN is not part of it."""
        return (self.mn, self.cn, self.data_time_text, self.pno)

    def values(self):
        """Yield (factor as received, field, float) for every numeric value field."""
        for code, fields in self.factors.items():
            for name, text in fields.items():
                if name in codes.VALUE_FIELDS:
                    try:
                        yield code, name, float(text)
                    except ValueError:
                        continue

    def flag_of(self, code: str) -> str | None:
        return self.factors.get(code, {}).get("Flag")


def _int_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    t = text.strip()
    return int(t) if t.isdigit() and t.isascii() else None


def parse_time(text: str, name: str = "time") -> datetime:
    """YYYYMMDDhhmmss (also with ms, or without seconds) as China local time."""
    t = text.strip()
    if not (t.isdigit() and t.isascii()):
        raise SegmentError(f"{name} {text!r} is not digits")
    if len(t) not in (12, 14, 17):
        raise SegmentError(f"{name} {text!r} has {len(t)} digits (expected 14)")
    try:
        if len(t) == 14:
            dt = datetime(int(t[0:4]), int(t[4:6]), int(t[6:8]), int(t[8:10]), int(t[10:12]), int(t[12:14]))
        elif len(t) == 17:
            dt = datetime(int(t[0:4]), int(t[4:6]), int(t[6:8]), int(t[8:10]), int(t[10:12]), int(t[12:14]),
                          int(t[14:17]) * 1000)
        else:
            dt = datetime(int(t[0:4]), int(t[4:6]), int(t[6:8]), int(t[8:10]), int(t[10:12]))
    except ValueError as exc:
        raise SegmentError(f"{name} {text!r} is not a valid date/time ({exc})") from None
    return dt.replace(tzinfo=CHINA_TZ)


def decimal_parts(text: str) -> tuple[int, int] | None:
    """'12.340' -> (12340, -3): the exact decimal a device sent, or None if not a number."""
    t = text.strip()
    if not t:
        return None
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    sign, digits, exp = d.as_tuple()
    mant = int("".join(map(str, digits))) if digits else 0
    return (-mant if sign else mant), exp


# --------------------------------------------------------------------------------------------
# decoding


def decode(frame: bytes, *, crc_dialects=(HJ212,), lenient_length: bool = False,
           max_segment: int = DEFAULT_MAX_SEGMENT) -> Packet:
    """Parse one complete frame (``##`` … CRLF) into a :class:`Packet`.

    ``crc_dialects``: CRCs to accept ("hj212", "modbus", "modbus-swapped"); a frame whose CRC matches
    a dialect not listed raises :class:`CRCError` with ``dialect`` set and ``packet`` parsed.
    ``lenient_length``: accept a length field that disagrees with the segment (recorded in
    ``Packet.declared_length``) when the CRC matches — some vendors count wrongly.
    """
    if not isinstance(frame, (bytes, bytearray, memoryview)):
        raise FramingError("frame must be bytes", 0)
    frame = bytes(frame)
    n = len(frame)
    if not frame.startswith(b"##"):
        raise FramingError("frame does not start with '##'", 0, frame)
    if n < 12:
        raise FramingError(f"frame of {n} bytes is shorter than the minimum 12", n, frame)
    digits = frame[2:6]
    if not (digits.isdigit() and digits.isascii()):
        raise FramingError(f"length field {digits!r} is not 4 decimal digits", 2, frame)
    if not frame.endswith(b"\r\n"):
        raise FramingError("frame does not end with CR LF", n - 2, frame)
    declared = int(digits)
    if declared > max_segment:
        raise LengthError(f"declared length {declared} exceeds the cap of {max_segment}", 2, frame)
    segment = frame[6:-6]
    declared_mismatch = None
    if declared != len(segment):
        if not lenient_length:
            raise LengthError(f"length field says {declared} but the data segment has {len(segment)} bytes",
                              2, frame)
        declared_mismatch = declared
    crc_text = frame[-6:-2]
    try:
        received = int(crc_text, 16)
        if not crc_text.isascii() or not all(c in b"0123456789abcdefABCDEF" for c in crc_text):
            raise ValueError
    except ValueError:
        raise CRCError(f"CRC field {crc_text!r} is not 4 hex digits", n - 6, frame) from None
    if hj212_crc16(segment) == received:
        dialect = HJ212
    else:
        dialect = identify_crc(segment, received)
        if dialect is None:
            raise CRCError(f"CRC {crc_text.decode()} does not match the data segment "
                           f"(HJ 212 CRC is {hj212_crc16(segment):04X})", n - 6, frame)
    packet = parse_segment(segment, base_offset=6)
    packet.crc_dialect = dialect
    packet.declared_length = declared_mismatch
    packet.raw = frame
    if dialect not in crc_dialects:
        raise CRCError(f"CRC {crc_text.decode()} is {dialect}, not the HJ 212 CRC", n - 6, frame,
                       dialect=dialect, packet=packet)
    return packet


def _decode_text(data: bytes, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gbk")  # older loggers send GBK Chinese text
    except UnicodeDecodeError as exc:
        raise SegmentError(f"bytes are neither UTF-8 nor GBK ({exc.reason})", offset + exc.start) from None


def parse_segment(segment: bytes, base_offset: int = 0) -> Packet:
    """Parse a data segment (``QN=…;…;CP=&&…&&``); offsets in errors are ``base_offset`` + index."""
    segment = bytes(segment)
    cp_at = segment.find(b"CP=&&")
    if cp_at < 0:
        raise SegmentError("no 'CP=&&' in the data segment", base_offset, segment)
    close = segment.rfind(b"&&")
    if close < cp_at + 5:
        raise SegmentError("CP area is not closed with '&&'", base_offset + len(segment), segment)
    if segment[close + 2:].strip():
        raise SegmentError("bytes after the closing '&&' of the CP area", base_offset + close + 2, segment)
    head = segment[:cp_at]
    if not head.isascii():
        bad = next(i for i, b in enumerate(head) if b > 127)
        raise SegmentError("non-ASCII byte in the header fields", base_offset + bad, segment)
    header: dict[str, str] = {}
    name_at: dict[str, int] = {}  # offset of each kept field's name
    pos = 0
    for part in head.decode("ascii").split(";"):
        if part.strip():
            key, eq, value = part.partition("=")
            if not eq:
                raise SegmentError(f"header field {part!r} has no '='", base_offset + pos, segment)
            key = key.strip()
            if not key:
                raise SegmentError("header field with an empty name", base_offset + pos, segment)
            if key not in header:
                header[key] = value.strip()
                name_at[key] = base_offset + pos + len(part) - len(part.lstrip())
        pos += len(part) + 1
    # a Flag that is not an integer (';Flag=N' typos) stays as text in the header: Packet.flag is None, no bits guessed
    for name in ("PNUM", "PNO"):
        if name in header and _int_or_none(header[name]) is None:
            raise SegmentError(f"{name}={header[name]!r} is not an integer", name_at[name], segment)
    cp_offset = base_offset + cp_at + 5
    cp = _decode_text(segment[cp_at + 5:close], cp_offset)
    if "//" not in cp and _CP_SYNTAX.fullmatch(cp):
        # well-formed: defer building the dicts until someone asks (the gateway's hot path does not)
        m = _DATATIME.search(cp)
        return Packet(segment=segment, header=header, cp=cp, cp_offset=cp_offset,
                      data_time_text=m.group(1).strip() if m else None)
    repeated: list[str] = []
    params, factors = _parse_cp(cp, cp_offset, repeated)  # raises the precise error, or handles //text//
    return Packet(segment=segment, header=header, params=params, factors=factors, repeated=repeated)


_ITEM = r"(?:\s*[^;,=\s][^;,=]*=[^;,]*|\s*)"
_CP_SYNTAX = re.compile(rf"{_ITEM}(?:[;,]{_ITEM})*")
_DATATIME = re.compile(r"(?:^|[;,])\s*DataTime\s*=([^;,]*)")


def _parse_cp(cp: str, offset: int, repeated: list[str] | None = None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    params: dict[str, str] = {}
    factors: dict[str, dict[str, str]] = {}
    if "//" in cp:
        pairs = _tokenize_cp(cp, offset)
    else:
        pairs = []
        pos = 0
        for item in cp.split(";"):
            for sub in item.split(","):
                if sub.strip():
                    key, eq, value = sub.partition("=")
                    if not eq:
                        raise SegmentError(f"CP item {sub[:40]!r} has no '='", offset + _byte_len(cp, pos))
                    pairs.append((key.strip(), value.strip(), pos))
                pos += len(sub) + 1
    for key, value, pos in pairs:
        if not key:
            raise SegmentError("CP item with an empty name", offset + _byte_len(cp, pos))
        code, dash, suffix = key.partition("-")
        target = factors.setdefault(code, {}) if dash and code and suffix else params
        name = suffix if target is not params else key
        if name in target:
            if repeated is not None:
                repeated.append(key)  # the first value is kept
        else:
            target[name] = value
    return params, factors


def _byte_len(text: str, chars: int) -> int:
    return len(text[:chars].encode("utf-8"))


def _tokenize_cp(cp: str, offset: int) -> list[tuple[str, str, int]]:
    """Slow path for CP areas holding ``//…//`` text values, which may contain ';' and ','."""
    pairs = []
    pos = 0
    n = len(cp)
    while pos < n:
        if cp[pos] in ";,":
            pos += 1
            continue
        eq = cp.find("=", pos)
        stop = min([i for i in (cp.find(";", pos), cp.find(",", pos)) if i >= 0], default=n)
        if eq < 0 or eq > stop:
            if cp[pos:stop].strip():
                raise SegmentError(f"CP item {cp[pos:stop][:40]!r} has no '='", offset + _byte_len(cp, pos))
            pos = stop + 1
            continue
        key = cp[pos:eq].strip()
        vstart = eq + 1
        if cp.startswith("//", vstart):
            end = cp.find("//", vstart + 2)
            if end < 0:
                raise SegmentError("text value opened with '//' is not closed", offset + _byte_len(cp, vstart))
            value = cp[vstart:end + 2]
            pos = end + 2
        else:
            value_end = min([i for i in (cp.find(";", vstart), cp.find(",", vstart)) if i >= 0], default=n)
            value = cp[vstart:value_end].strip()
            pos = value_end
        pairs.append((key, value, eq))
    return pairs


# --------------------------------------------------------------------------------------------
# stream splitting (sticky and half packets)


#: where a frame can start: ``##`` and four ASCII digits (a byte search in C, not a step per byte)
_FRAME_START = re.compile(rb"##[0-9]{4}")
_HASH_RUN = re.compile(rb"#*")


def _partial_start(buf: bytes, lo: int, n: int) -> int:
    """Index of the earliest tail of ``buf`` (at or after ``lo``) that may still become ``##dddd``."""
    for i in range(max(lo, n - 5), n):
        tail = buf[i:n]
        if tail[:2] == b"##"[:len(tail)] and (len(tail) <= 2 or tail[2:].isdigit()):
            return i
    return n


class FrameSplitter:
    """Cut a TCP byte stream into candidate frames.  Pure state machine: ``feed`` bytes, get back a
    list of complete frames (bytes) and :class:`HJ212Error` for skipped bytes, in stream order.

    Frames by ``##`` + 4 digits + length, then checks the CRLF tail; when the tail is missing (wrong
    length field) it resynchronises on the CRLF or the next ``##dddd``.  Garbage is skipped in bulk by
    a byte search, and one error stands for a whole run of it (``skipped`` = bytes in the run; a run
    that continues into the next ``feed`` is counted, not reported again): a flood of ``#`` costs
    a few regex searches per read, not an object per two bytes.  ``garbage_bytes`` totals every
    skipped byte except whitespace between frames.  Memory is bounded by ``max_segment``.
    """

    def __init__(self, max_segment: int = DEFAULT_MAX_SEGMENT):
        self.max_segment = max_segment
        self._buf = b""
        self._offset = 0  # stream offset of _buf[0]
        self._run: HJ212Error | None = None  # error being extended by contiguous garbage of its kind
        self._run_end = -1  # stream offset where the current (or last reported) run ends
        self._continues = False  # the last reported run reached the end of the buffer
        self.garbage_bytes = 0

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[bytes | HJ212Error]:
        buf = self._buf + data if self._buf else bytes(data)
        out: list[bytes | HJ212Error] = []
        pos = 0
        n = len(buf)
        find = buf.find
        search = _FRAME_START.search
        nm = None  # the next frame start found by the previous step, reused when we resume there
        while pos < n:
            if nm is not None and nm.start() == pos:
                m = nm
            elif buf.startswith(b"###", pos):
                # a run of '#' (the classic flood) defeats the regex's prefix scan: strip it in one
                # call; only its last two bytes can begin a frame
                m = search(buf, _HASH_RUN.match(buf, pos).end() - 2)
            else:
                m = search(buf, pos)
            if m is None:
                keep = _partial_start(buf, pos, n)
                self._junk(buf, pos, keep, out)
                pos = keep
                break
            start = m.start()
            if start > pos:
                self._junk(buf, pos, start, out)
                pos = start  # reported: a half frame after it must not keep it in the buffer for the next read
            declared = int(buf[start + 2:start + 6])
            nm = search(buf, start + 2)
            nxt = nm.start() if nm is not None else n
            if declared > self.max_segment:
                self._fail(LengthError, f"declared length {declared} exceeds the cap of {self.max_segment}",
                           start, nxt, buf, out, at=start + 2)
                pos = nxt
                continue
            end = start + 6 + declared + 6
            # a CR LF before the declared end (and before the next frame): the length field overstates it.
            # It may start at end - 3 (one byte too many declared) and must end before the declared tail.
            early = find(b"\r\n", start + 6, min(end - 1, nxt))
            if early >= 0:
                pos = self._frame(buf, start, early + 2, out)
                continue
            if end <= n and buf[end - 2:end] == b"\r\n":
                # length and tail agree: a frame, even if its text holds something like "##0012"
                pos = self._frame(buf, start, end, out)
                continue
            if end <= nxt:
                # the length field understates the frame: end at the next CR LF unless a frame starts first
                crlf = find(b"\r\n", end - 2, nxt)
                if crlf >= 0:
                    pos = self._frame(buf, start, crlf + 2, out)
                    continue
            if nm is not None:
                self._fail(FramingError, "frame has no CR LF tail", start, nxt, buf, out)
                pos = nxt
                continue
            if n - start > self.max_segment + 12:
                self._fail(FramingError, "frame has no CR LF tail within the size cap", start, n, buf, out)
                pos = n
                continue
            break  # half packet: wait for more
        self._flush(out, pos >= n or self._run_end == self._offset + pos)
        self._buf = buf[pos:]
        self._offset += pos
        return out

    def _frame(self, buf: bytes, a: int, b: int, out: list) -> int:
        self._flush(out, False)
        self._continues = False
        out.append(buf[a:b])
        return b

    def _junk(self, buf: bytes, a: int, b: int, out: list) -> None:
        if b <= a:
            return
        chunk = buf[a:b]
        body = chunk.strip()
        if not body:
            return  # CR LF or blanks between frames: harmless
        lead = len(chunk) - len(chunk.lstrip())
        if lead and self._run_end != self._offset + a:
            a += lead  # blanks after a frame are not part of the junk that follows them
            chunk = chunk[lead:]
        if chunk.startswith(b"##"):
            self._fail(FramingError, f"length field {chunk[2:6]!r} is not 4 decimal digits", a, b, buf, out, at=a + 2)
        else:
            self._fail(FramingError, f"{len(chunk)} bytes outside any frame", a, b, buf, out)

    def _fail(self, cls, message: str, a: int, b: int, buf: bytes, out: list, at: int | None = None) -> None:
        """Bytes ``buf[a:b]`` are garbage: extend the current run of the same kind or start one."""
        start = self._offset + a
        nbytes = b - a
        self.garbage_bytes += nbytes
        run = self._run
        if run is not None and type(run) is cls and self._run_end == start:
            run.skipped += nbytes
            self._run_end = start + nbytes
            return
        self._flush(out, False)
        if self._continues and self._run_end == start:
            self._run_end = start + nbytes  # the run reported by an earlier feed goes on: counted only
            return
        self._continues = False
        err = cls(message, self._offset + (a if at is None else at), buf[a:min(b, a + 1024)])
        err.skipped = nbytes
        self._run = err
        self._run_end = start + nbytes

    def _flush(self, out: list, at_end: bool) -> None:
        if self._run is not None:
            out.append(self._run)
            self._run = None
            self._continues = at_end


# --------------------------------------------------------------------------------------------
# encoding and replies


def build_frame(segment: bytes | str, encoding: str = "utf-8") -> bytes:
    """Wrap a data segment: ``##`` + length + segment + CRC (upper-case hex) + CRLF."""
    body = segment.encode(encoding) if isinstance(segment, str) else bytes(segment)
    if len(body) > 9999:
        raise LengthError(f"data segment of {len(body)} bytes does not fit the 4-digit length field", 2)
    return b"##%04d%s%04X\r\n" % (len(body), body, hj212_crc16(body))


def build_segment(*, cn: str, mn: str | None, st: str = "32", pw: str | None = "123456",
                  qn: str | None = None, flag: int | None = None, pnum: int | None = None,
                  pno: int | None = None, cp: str = "") -> str:
    parts = []
    if qn is not None:
        parts.append(f"QN={qn}")
    parts.append(f"ST={st}")
    parts.append(f"CN={cn}")
    if pw is not None:
        parts.append(f"PW={pw}")
    if mn is not None:
        parts.append(f"MN={mn}")
    if flag is not None:
        parts.append(f"Flag={flag}")
    if pnum is not None:
        parts.append(f"PNUM={pnum}")
    if pno is not None:
        parts.append(f"PNO={pno}")
    parts.append(f"CP=&&{cp}&&")
    return ";".join(parts)


def format_cp(params: dict[str, str] | None = None, factors: dict[str, dict[str, object]] | None = None) -> str:
    """CP area text: params first, then one ';'-separated item per factor with ','-separated fields."""
    items = [f"{k}={v}" for k, v in (params or {}).items()]
    for code, fields in (factors or {}).items():
        items.append(",".join(f"{code}-{name}={value}" for name, value in fields.items()))
    return ";".join(items)


def format_time(dt: datetime) -> str:
    if dt.tzinfo is not None:
        dt = dt.astimezone(CHINA_TZ)
    return dt.strftime("%Y%m%d%H%M%S")


def format_qn(dt: datetime) -> str:
    if dt.tzinfo is not None:
        dt = dt.astimezone(CHINA_TZ)
    return dt.strftime("%Y%m%d%H%M%S") + f"{dt.microsecond // 1000:03d}"


def request_qn(request: Packet) -> tuple[str | None, str | None]:
    """(QN, where) of a request: ``"header"``, ``"cp"`` (2005 style ``CP=&&QN=…&&``) or (None, None)."""
    if request.qn:
        return request.qn, "header"
    qn = request.params.get("QN")
    if qn:
        return qn, "cp"
    return None, None


def build_answer(request: Packet, cn: str, cp_items: dict[str, object] | None = None) -> bytes:
    """An answer (9011/9012/9013/9014) to ``request`` in the request's dialect, echoing its QN.

    2017/2025: PW and MN echoed in the header, ST=91, Flag = version bits without A; the QN goes where
    the request carried it (header, or inside CP when the device put it there).
    2005 (version 0): the request's QN (header or CP) and for 9014 its CN, PNO, PNUM go inside CP.
    """
    version = request.version
    qn, where = request_qn(request)
    if version == codes.VERSION_2005:
        cp: dict[str, object] = {}
        if qn is not None:
            cp["QN"] = qn
        if cn == codes.CN_DATA_ANSWER:
            cp["CN"] = request.cn
            if request.is_split:
                cp["PNO"] = request.pno
                cp["PNUM"] = request.pnum
            seg = build_segment(cn=cn, st="91", pw=None, mn=None, cp=format_cp(cp))
        else:
            cp.update(cp_items or {})
            seg = build_segment(cn=cn, st="91", pw=request.pw, mn=request.mn,
                                flag=0 if cn != codes.CN_NOTIFY_ANSWER else None, cp=format_cp(cp))
        return build_frame(seg)
    flag = (version & 0x3F) << 2
    items = dict(cp_items or {})
    if where == "cp":
        items = {"QN": qn, **items}
    seg = build_segment(cn=cn, st="91", qn=qn if where == "header" else None, pw=request.pw, mn=request.mn,
                        flag=flag, cp=format_cp(items))
    return build_frame(seg)


def build_reply(packet: Packet) -> bytes | None:
    """What the platform must send back for ``packet``, or None (A bit clear, or an answer)."""
    if not packet.wants_ack:
        return None
    if packet.cn in codes.NOTIFY_COMMANDS:
        return build_answer(packet, codes.CN_NOTIFY_ANSWER)
    return build_answer(packet, codes.CN_DATA_ANSWER)


def build_command(request_to: Packet, cn: str, cp_items: dict[str, object] | None = None,
                  now: datetime | None = None, ack: bool = True) -> bytes:
    """A platform command (e.g. 1012 set time) to the device that sent ``request_to``, in its version:
    new QN from ``now``, the device's ST, PW and MN, Flag = version bits (+ A when ``ack``)."""
    now = now or datetime.now(CHINA_TZ)
    flag = ((request_to.version & 0x3F) << 2) | (codes.FLAG_ACK if ack else 0)
    seg = build_segment(cn=cn, st=request_to.st or "32", qn=format_qn(now), pw=request_to.pw, mn=request_to.mn,
                        flag=flag, cp=format_cp({k: str(v) for k, v in (cp_items or {}).items()}))
    return build_frame(seg)


def build_set_time(request_to: Packet, now: datetime | None = None) -> bytes:
    """1012 set field-machine time — what the platform sends after answering a 1013 request."""
    now = now or datetime.now(CHINA_TZ)
    return build_command(request_to, codes.CN_SET_TIME, {"SystemTime": format_time(now)}, now=now)


def answer_qn(packet: Packet) -> str | None:
    """QN an answer (9011/9012/9013/9014) refers to: header in 2017, inside CP in 2005."""
    return packet.params.get("QN") or packet.qn
