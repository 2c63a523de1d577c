"""HJ 212 (2005 / 2017 / 2025) protocol library: framing, CRC, parsing, replies.  Pure, no I/O.

>>> from envbureau.hj212 import decode, build_reply
>>> p = decode(b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\\r\\n")
>>> p.cn, p.params["RtdInterval"], p.wants_ack
('1062', '30', True)
"""

from .codec import (
    ALL_CRC_DIALECTS,
    CHINA_TZ,
    CRCError,
    FrameSplitter,
    FramingError,
    HJ212Error,
    LengthError,
    Packet,
    SegmentError,
    answer_qn,
    build_answer,
    build_command,
    build_frame,
    build_reply,
    build_segment,
    build_set_time,
    decimal_parts,
    decode,
    format_cp,
    format_qn,
    format_time,
    parse_segment,
    parse_time,
    request_qn,
)
from .crc import hj212_crc16, identify_crc, modbus_crc16
from .split import Assembled, SplitAssembler

__all__ = [
    "Assembled", "SplitAssembler",
    "ALL_CRC_DIALECTS", "CHINA_TZ", "CRCError", "FrameSplitter", "FramingError", "HJ212Error", "LengthError",
    "Packet", "SegmentError", "answer_qn", "build_answer", "build_command", "build_frame", "build_reply", "build_segment", "build_set_time",
    "decimal_parts", "decode", "format_cp", "format_qn", "format_time", "hj212_crc16", "identify_crc",
    "modbus_crc16", "parse_segment", "parse_time", "request_qn",
]
