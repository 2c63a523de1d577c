"""A device client written from the standard's text alone — it imports nothing from envbureau.hj212.

HJ 212-2017 §6.3 / Appendix A: frame = '##' + 4-digit decimal length of the data segment + data segment
+ CRC16 (4 hex digits, high byte first) + CR LF.  CRC: register 0xFFFF; per byte: register =
(register >> 8) XOR byte; then 8 times: shift right one bit, XOR 0xA001 when the bit shifted out was 1.
"""

import socket

from .conftest import read_frames


def appendix_a_crc(data: bytes) -> int:
    register = 0xFFFF
    for byte in data:
        register = (register >> 8) ^ byte
        for _ in range(8):
            out = register & 1
            register >>= 1
            if out:
                register ^= 0xA001
    return register


def frame(segment: str) -> bytes:
    body = segment.encode("ascii")
    return ("##" + str(len(body)).zfill(4)).encode() + body + ("%04X" % appendix_a_crc(body)).encode() + b"\r\n"


def test_appendix_a_example_reproduced():
    seg = "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
    assert frame(seg) == ("##0101" + seg + "1C80\r\n").encode()


def test_hand_built_device_is_accepted(gateway):
    mn = "MN0042"
    uploads = []
    for minute in range(3):
        qn = "2026010112%02d00123" % minute
        seg = ("QN=" + qn + ";ST=32;CN=2051;PW=123456;MN=" + mn + ";Flag=5;CP=&&DataTime=2026010112%02d00;" % minute
               + "w01018-Min=30.1,w01018-Avg=35.2,w01018-Max=40.3,w01018-Flag=N;"
               + "w21003-Min=1.1,w21003-Avg=1.5,w21003-Max=2.0,w21003-Flag=N&&")
        uploads.append((qn, frame(seg)))
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=5)
    sock.sendall(b"".join(f for _, f in uploads))
    answers = read_frames(sock, 3)
    for (qn, _), answer in zip(uploads, answers, strict=True):
        # the answer the standard prescribes: same QN, ST=91, CN=9014, PW and MN echoed, Flag=4, empty CP
        expected_seg = "QN=" + qn + ";ST=91;CN=9014;PW=123456;MN=" + mn + ";Flag=4;CP=&&&&"
        assert answer == frame(expected_seg)
        body = answer[6:-6]
        assert int(answer[2:6]) == len(body) and int(answer[-6:-2], 16) == appendix_a_crc(body)
    sock.close()
    assert gateway.wait_for(lambda: gateway.counter("stored") == 3)
