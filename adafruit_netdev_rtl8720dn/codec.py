# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_rtl8720dn.codec`
================================================================================

The RTL8720DN "ambd" firmware's eRPC messages, without any I/O (docs/protocol-rtl8720dn.rst):
the 4-byte frame header (``<u16 body length><u16 CRC-16 of the body>``, little-endian), the
eRPC BasicCodec message header (``<u32 1<<24 | service<<16 | method<<8 | type><u32
sequence>``), the calls the driver makes, and readers for the replies.

A call is built into the caller's buffer ``tx`` by its builder, which returns where it
ends: a call whose parameters are none or up to three 32-bit integers by :func:`ints`
with the call's constant (``ints(tx, LWIP_CLOSE, number)``), every other call by a
builder of its own (``lwip_recv(tx, number, size, flags)``)::

    end = lwip_recv(tx, number, 1024, 8)   # rpc_lwip_recv(s, len, flags, timeout 0)
    size = finish(tx, end)                 # length and CRC; tx[:size] is the frame

(One constant a call rather than one function: a function costs about 90 bytes of a
board's heap, a constant about 30, and the driver always loads the codec: see
docs/circuitpython.rst, Heap rules.) The message's sequence number (``tx[8:12]``) is left to
the link (``Link.call`` numbers each call). Offsets are absolute offsets into ``tx``; the
body starts at 4. A call with a bulk ``binary`` parameter (the data of a send, a
certificate) has it after the header and one u32: its builder writes the parameter's
length and the parameters after it, and the bulk bytes go on the wire from where they
lie (:func:`finish` with ``payload``), never copied into ``tx``. In a reply (``rx``, the
body without the frame header), the first value sits at offset 8.

No other module writes an eRPC layout: the service and method ids of the calls with
builders are private consts here (folded into the bytecode).
"""

import struct

from micropython import const

from adafruit_netdev import decode_text
from adafruit_netdev.netlink import AUTH_TYPE_OPEN, AUTH_TYPE_WPA, AUTH_TYPE_WPA2_MIXED

try:
    from binascii import crc_hqx as _crc_hqx  # CPython: the same CRC, in C
except ImportError:
    _crc_hqx = None

_CRC_INIT = const(0xEF4A)
FRAME_HEADER = const(4)
_MESSAGE_HEADER = const(8)
_PARAMS = const(12)  # the first parameter of a call in tx (frame header + message header)
_PAYLOAD_AT = const(20)  # a bulk parameter's bytes: after the headers and one u32
BODY_MAX = const(4096)  # the firmware's message buffer; a longer frame desynchronises it
_FRAME_MAX = const(4100)
CODEC_VERSION = const(1)

# message types
_INVOCATION = const(0)
_ONEWAY = const(1)
_REPLY = const(2)

# The calls whose parameters are none or up to three 32-bit integers, for ints(tx, CALL,
# ...): ``service << 8 | method``, with what the call takes and returns.
SYSTEM_VERSION = const(0x0101)  # rpc_system_version() -> string
WIFI_DISCONNECT = const(0x0E03)  # rpc_wifi_disconnect() -> i32
WIFI_IS_CONNECTED = const(0x0E04)  # rpc_wifi_is_connected_to_ap() -> i32 (0: associated)
WIFI_IS_UP = const(0x0E05)  # rpc_wifi_is_up(i32 itf: 0 station, 1 AP) -> i32
WIFI_GET_MAC = const(0x0E08)  # rpc_wifi_get_mac_address() -> ("xx:..:xx" in 18 bytes, i32)
WIFI_ON = const(0x0E1B)  # rpc_wifi_on(i32 mode: 1 station, 2 access point) -> i32
WIFI_OFF = const(0x0E1C)  # rpc_wifi_off() -> i32
WIFI_GET_LAST_ERROR = const(0x0E31)  # rpc_wifi_get_last_error() -> i32 (the SDK's error_flag)
WIFI_SCAN_START = const(0x0E40)  # rpc_wifi_scan_start() -> i32
WIFI_IS_SCANNING = const(0x0E41)  # rpc_wifi_is_scaning() -> bool
WIFI_SCAN_COUNT = const(0x0E43)  # rpc_wifi_scan_get_ap_num() -> u16
TCPIP_INIT = const(0x0F01)  # rpc_tcpip_adapter_init() -> i32
TCPIP_GET_IP_INFO = const(0x0F07)  # rpc_tcpip_adapter_get_ip_info(u32 netif) -> (bin ip, mask, gw; i32)
TCPIP_DHCPS_START = const(0x0F0B)  # rpc_tcpip_adapter_dhcps_start(u32 netif) -> i32
TCPIP_DHCPC_START = const(0x0F0D)  # rpc_tcpip_adapter_dhcpc_start(u32 netif) -> i32
LWIP_SOCKET = const(0x1012)  # rpc_lwip_socket(domain, type, protocol) -> i32 socket number
LWIP_CLOSE = const(0x1008)  # rpc_lwip_close(s) -> i32
LWIP_LISTEN = const(0x100A)  # rpc_lwip_listen(s, backlog) -> i32
LWIP_GETPEERNAME = const(0x1004)  # rpc_lwip_getpeername(s, u32 namelen 16) -> (bin sockaddr_in, u32, i32)
LWIP_FCNTL = const(0x1017)  # rpc_lwip_fcntl(s, cmd, val) -> i32
LWIP_ERRNO = const(0x1018)  # rpc_lwip_errno() -> i32: the firmware's (global, sticky) errno
TLS_CREATE = const(0x1101)  # rpc_wifi_ssl_client_create() -> u32 handle (0: out of memory)
TLS_DESTROY = const(0x1102)  # rpc_wifi_ssl_client_destroy(u32 handle)
TLS_INIT = const(0x1103)  # rpc_wifi_ssl_init(u32 handle)
TLS_SET_TIMEOUT = const(0x1105)  # rpc_wifi_ssl_set_timeout(u32 handle, u32 handshake ms)
TLS_GET_SOCKET = const(0x1106)  # rpc_wifi_ssl_get_socket(u32 handle) -> i32 socket number (-1: none)
TLS_STOP = const(0x1113)  # rpc_wifi_stop_ssl_socket(u32 handle): closes its TCP socket
TLS_RECV = const(0x1116)  # rpc_wifi_get_ssl_receive(u32 handle, i32 length) -> (bin data, i32)
# ... and the calls of tls_set_text (string parameters)
TLS_SET_ROOT_CA = const(0x1108)  # rpc_wifi_ssl_set_rootCA
TLS_SET_CLI_CERT = const(0x110A)  # rpc_wifi_ssl_set_cliCert
TLS_SET_CLI_KEY = const(0x110C)  # rpc_wifi_ssl_set_cliKey

# Services and methods (firmware >= 2.0.3 tables; ids assigned by erpcgen) of the calls
# with builders of their own (below)
_SVC_SYSTEM = const(1)
_SYSTEM_ACK = const(2)
_SVC_WIFI = const(14)
_WIFI_CONNECT = const(1)
_WIFI_START_AP = const(38)
_WIFI_SCAN_RECORDS = const(66)
_SVC_LWIP = const(16)
_LWIP_ACCEPT = const(1)
_LWIP_BIND = const(2)
_LWIP_GETSOCKOPT = const(6)
_LWIP_SETSOCKOPT = const(7)
_LWIP_CONNECT = const(9)
_LWIP_RECV = const(12)
_LWIP_RECVFROM = const(14)
_LWIP_SEND = const(15)
_LWIP_SENDTO = const(17)
_LWIP_SELECT = const(21)
_LWIP_GETHOSTBYNAME = const(25)
_SVC_TLS = const(17)
_TLS_START = const(18)
_TLS_SEND = const(21)
_SVC_CALLBACK = const(19)
_CALLBACK_EVENT = const(1)
_CALLBACK_DNS_FOUND = const(2)

# RTW security types (wifi_connect, wifi_start_ap)
_SEC_OPEN = const(0)
_SEC_WPA_TKIP = const(0x00200002)
_SEC_WPA2_AES = const(0x00400004)
_SEC_WPA2_MIXED = const(0x00400006)

# the Wi-Fi event (system_event_t.event_id) the link looks at, and the first u32 of the
# firmware's Wi-Fi event frames (19/1, one-way)
EVENT_STA_DISCONNECTED = const(5)
EVENT_WORD = const(0x01130101)
_SOCKADDR_SIZE = const(16)
SCAN_RECORD_SIZE = const(62)  # one record of rpc_wifi_get_scan_records (parse_scan_record)

_table = None


def _crc_table():
    global _table  # noqa: PLW0603
    if _table is None:
        import array

        table = array.array("H", range(256))  # (sized from the range: no temporary buffer)
        for i in range(256):
            crc = i << 8
            for _ in range(8):
                crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            table[i] = crc & 0xFFFF
        _table = table
    return _table


def crc16(data, start=0, end=-1, crc=_CRC_INIT):
    """CRC-16 of ``data[start:end]`` (``end`` -1: to the end) as the firmware computes it:
    polynomial 0x1021, MSB first, initial value 0xEF4A, no final XOR."""
    if end < 0:
        end = len(data)
    if _crc_hqx is not None:
        return _crc_hqx(memoryview(data)[start:end], crc)
    table = _crc_table()
    for i in range(start, end):
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ data[i]]
    return crc


def header_word(service, method, mtype):
    """The first u32 of a message body."""
    return (CODEC_VERSION << 24) | (service << 16) | (method << 8) | mtype


# -- primitives ------------------------------------------------------------------------------------


def begin(buf, service, method, seq=0, mtype=_INVOCATION):
    """Start a message in ``buf``; returns the offset of the first parameter."""
    struct.pack_into("<II", buf, FRAME_HEADER, header_word(service, method, mtype), seq)
    return _PARAMS


def put_i32(buf, off, value):
    struct.pack_into("<i", buf, off, value)
    return off + 4


def put_u32(buf, off, value):
    struct.pack_into("<I", buf, off, value)
    return off + 4


def put_bin(buf, off, data):
    """``binary`` or ``string``: u32 length, then the bytes (no terminator)."""
    n = len(data)
    if off + 4 + n > min(len(buf), _FRAME_MAX):
        raise ValueError("message too long: %d bytes do not fit a %d-byte buffer" % (off + 4 + n, len(buf)))
    struct.pack_into("<I", buf, off, n)
    off += 4
    buf[off : off + n] = data
    return off + n


def put_str(buf, off, text):
    """A ``string`` parameter from ``str`` or bytes."""
    return put_bin(buf, off, text.encode() if isinstance(text, str) else text)


def put_nullable_str(buf, off, text):
    """A ``string @nullable``: flag byte 1 for None, else 0 and the string."""
    if text is None:
        buf[off] = 1
        return off + 1
    buf[off] = 0
    return put_str(buf, off + 1, text)


def put_sockaddr(buf, off, ip, port):
    """A ``bin`` holding a 16-byte ``struct sockaddr_in`` (``ip``: 4 bytes, network order)."""
    struct.pack_into("<IBB", buf, off, _SOCKADDR_SIZE, 0, 2)
    struct.pack_into(">H", buf, off + 6, port)
    buf[off + 8 : off + 12] = ip
    for i in range(off + 12, off + 20):
        buf[i] = 0
    return off + 4 + _SOCKADDR_SIZE


def put_zeros(buf, off, count):
    for i in range(off, off + count):
        buf[i] = 0
    return off + count


def put_fdset(buf, off, fd):
    """A present ``bin? fd_set``: flag 0, then an 8-byte newlib set with bit ``fd``."""
    buf[off] = 0
    struct.pack_into("<I", buf, off + 1, 8)
    put_zeros(buf, off + 5, 8)
    buf[off + 5 + (fd >> 3)] = 1 << (fd & 7)
    return off + 13


def finish(buf, end, payload=None):
    """Write the frame header for a body ending at ``end``; returns the frame length.
    With ``payload``, the body is ``buf[4:20]``, then ``payload``, then ``buf[20:end]``:
    a large binary parameter (its u32 length already at ``buf[16:20]``) goes on the wire
    from where it lies, never copied into ``buf``."""
    length = end - FRAME_HEADER
    if payload is None:
        crc = crc16(buf, FRAME_HEADER, end)
    else:
        length += len(payload)
        crc = crc16(buf, _PAYLOAD_AT, end, crc16(payload, 0, -1, crc16(buf, FRAME_HEADER, _PAYLOAD_AT)))
    if length > BODY_MAX:
        raise ValueError("message too long for the firmware's %d-byte buffer" % BODY_MAX)
    struct.pack_into("<HH", buf, 0, length, crc)
    return end + (0 if payload is None else len(payload))


def ints(tx, call, a=None, b=None, c=None):
    """A call whose parameters are none or up to three 32-bit integers: ``call`` is one of
    the constants above (``service << 8 | method``), ``a``, ``b``, ``c`` its parameters
    (signed or unsigned, as the call takes them; None for those it has not)."""
    off = begin(tx, call >> 8, call & 0xFF)
    if a is not None:
        off = put_u32(tx, off, a & 0xFFFFFFFF)
        if b is not None:
            off = put_u32(tx, off, b & 0xFFFFFFFF)
            if c is not None:
                off = put_u32(tx, off, c & 0xFFFFFFFF)
    return off


def _payload(tx, service, method, handle, size):
    """A call ``(u32 handle, binary data of size bytes, ...)``: the data is the payload of
    :func:`finish`; returns where the parameters after it go."""
    return put_u32(tx, put_u32(tx, begin(tx, service, method), handle), size)


# -- calls: system ------------------------------------------------------------------------------


def system_ack(tx, tag):
    """rpc_system_ack(u8 c) -> u8 (the firmware echoes ``tag``)"""
    tx[_PARAMS] = tag
    return begin(tx, _SVC_SYSTEM, _SYSTEM_ACK) + 1


# -- calls: Wi-Fi ----------------------------------------------------------------------------------


def _security(passphrase, auth_type):
    """(RTW security type, password or None) for a network's passphrase and
    ``adafruit_netdev.netlink`` auth type."""
    if not passphrase or auth_type == AUTH_TYPE_OPEN:
        return _SEC_OPEN, None
    if auth_type == AUTH_TYPE_WPA:
        return _SEC_WPA_TKIP, passphrase
    if auth_type == AUTH_TYPE_WPA2_MIXED:
        return _SEC_WPA2_MIXED, passphrase
    return _SEC_WPA2_AES, passphrase


def wifi_connect(tx, ssid, passphrase, auth_type):
    """rpc_wifi_connect(ssid, password?, security_type, key_id -1, semaphore 0) -> i32"""
    security, password = _security(passphrase, auth_type)
    off = put_nullable_str(tx, put_str(tx, begin(tx, _SVC_WIFI, _WIFI_CONNECT), ssid), password)
    off = put_i32(tx, put_u32(tx, off, security), -1)
    return put_u32(tx, off, 0)


def wifi_start_ap(tx, ssid, passphrase, auth_type, channel):
    """rpc_wifi_start_ap(ssid, password?, security_type, channel) -> i32"""
    security, password = _security(passphrase, auth_type)
    off = put_nullable_str(tx, put_str(tx, begin(tx, _SVC_WIFI, _WIFI_START_AP), ssid), password)
    return put_i32(tx, put_u32(tx, off, security), channel)


def wifi_scan_records(tx, count):
    """rpc_wifi_scan_get_ap_records(u16 number) -> (binary records, i32)"""
    struct.pack_into("<H", tx, _PARAMS, count)
    return begin(tx, _SVC_WIFI, _WIFI_SCAN_RECORDS) + 2


# -- calls: the tcpip adapter ------------------------------------------------------------------


# -- calls: lwIP sockets -----------------------------------------------------------------------


def lwip_connect(tx, number, ip, port):
    """rpc_lwip_connect(s, binary sockaddr_in, u32 namelen) -> i32 (``ip``: 4 bytes)"""
    off = put_sockaddr(tx, put_i32(tx, begin(tx, _SVC_LWIP, _LWIP_CONNECT), number), ip, port)
    return put_u32(tx, off, _SOCKADDR_SIZE)


def lwip_bind(tx, number, ip, port):
    """rpc_lwip_bind(s, binary sockaddr_in, u32 namelen) -> i32 (``ip``: 4 bytes)"""
    off = put_sockaddr(tx, put_i32(tx, begin(tx, _SVC_LWIP, _LWIP_BIND), number), ip, port)
    return put_u32(tx, off, _SOCKADDR_SIZE)


def lwip_accept(tx, number):
    """rpc_lwip_accept(s, binary addr, u32 addrlen) -> (u32 addrlen, i32 socket number)"""
    off = put_u32(tx, put_i32(tx, begin(tx, _SVC_LWIP, _LWIP_ACCEPT), number), _SOCKADDR_SIZE)
    return put_u32(tx, put_zeros(tx, off, _SOCKADDR_SIZE), _SOCKADDR_SIZE)


def lwip_setsockopt(tx, number, level, name, optval):
    """rpc_lwip_setsockopt(s, level, optname, binary optval, u32 optlen) -> i32"""
    off = put_bin(tx, ints(tx, _SVC_LWIP << 8 | _LWIP_SETSOCKOPT, number, level, name), optval)
    return put_u32(tx, off, len(optval))


def lwip_getsockopt(tx, number, level, name, size):
    """rpc_lwip_getsockopt(s, level, optname, binary in_optval, u32 optlen) ->
    (binary optval, u32 optlen, i32): ``size`` zero bytes in, their length as optlen"""
    off = put_u32(tx, ints(tx, _SVC_LWIP << 8 | _LWIP_GETSOCKOPT, number, level, name), size)
    return put_u32(tx, put_zeros(tx, off, size), size)


def lwip_select(tx, number, writing):
    """rpc_lwip_select on socket ``number`` with a zero timeout (a poll): in the read set
    (``writing`` False) or the write set (True), and the except set. -> i32 ready count"""
    off = put_i32(tx, begin(tx, _SVC_LWIP, _LWIP_SELECT), number + 1)
    if writing:
        tx[off] = 1  # readset: NULL
        off = put_fdset(tx, off + 1, number)
    else:
        off = put_fdset(tx, off, number)
        tx[off] = 1  # writeset: NULL
        off += 1
    off = put_fdset(tx, off, number)  # exceptset
    tx[off] = 0  # timeout: present, zero
    return put_zeros(tx, put_u32(tx, off + 1, 16), 16)


def lwip_send(tx, number, size, flags):
    """rpc_lwip_send(s, binary data, flags) -> i32: the ``size`` data bytes are the payload"""
    return put_i32(tx, _payload(tx, _SVC_LWIP, _LWIP_SEND, number, size), flags)


def lwip_recv(tx, number, size, flags):
    """rpc_lwip_recv(s, u32 len, flags, u32 timeout 0) -> (binary data, i32)"""
    off = put_i32(tx, put_u32(tx, put_i32(tx, begin(tx, _SVC_LWIP, _LWIP_RECV), number), size), flags)
    return put_u32(tx, off, 0)


def lwip_recvfrom(tx, number, size, flags):
    """rpc_lwip_recvfrom(s, u32 len, flags, u32 fromlen 16, u32 timeout 0) -> (binary data,
    binary from: 16 bytes, u32 fromlen, i32): ``from`` holds the sender's ``sockaddr_in``
    when fromlen says so"""
    off = put_i32(tx, put_u32(tx, put_i32(tx, begin(tx, _SVC_LWIP, _LWIP_RECVFROM), number), size), flags)
    return put_u32(tx, put_u32(tx, off, _SOCKADDR_SIZE), 0)


def lwip_sendto(tx, number, size, flags, ip, port):
    """rpc_lwip_sendto(s, binary data, flags, binary sockaddr_in, u32 tolen) -> i32: the
    ``size`` data bytes are the payload; ``ip`` is 4 bytes"""
    off = put_i32(tx, _payload(tx, _SVC_LWIP, _LWIP_SENDTO, number, size), flags)
    return put_u32(tx, put_sockaddr(tx, off, ip, port), _SOCKADDR_SIZE)


def lwip_gethostbyname(tx, name):
    """rpc_netconn_gethostbyname(string name) -> (binary 4-byte address, i8 err_t)"""
    return put_str(tx, begin(tx, _SVC_LWIP, _LWIP_GETHOSTBYNAME), name)


# -- calls: TLS (the firmware's mbedTLS clients, each named by a u32 handle) ----------------------


def tls_set_text(tx, call, handle, size):
    """``call`` is TLS_SET_ROOT_CA, TLS_SET_CLI_CERT or TLS_SET_CLI_KEY:
    rpc_wifi_ssl_set_rootCA / set_cliCert / set_cliKey(u32 handle, string PEM @retain) ->
    u32 (undefined: the firmware's function returns nothing). The ``size`` PEM bytes are
    the payload; the firmware keeps the text until the next set or the destroy."""
    return _payload(tx, call >> 8, call & 0xFF, handle, size)


def tls_start(tx, handle, host, port):
    """rpc_wifi_start_ssl_client(handle, host?, u32 port, i32 timeout 0) -> i32 socket
    number, or -1 (errno) or an mbedTLS error"""
    off = put_u32(tx, put_nullable_str(tx, put_u32(tx, begin(tx, _SVC_TLS, _TLS_START), handle), host), port)
    return put_i32(tx, off, 0)


def tls_send(tx, handle, size):
    """rpc_wifi_send_ssl_data(handle, binary data, u16 len) -> i32: the data is the payload"""
    off = _payload(tx, _SVC_TLS, _TLS_SEND, handle, size)
    struct.pack_into("<H", tx, off, size)
    return off + 2


# -- the firmware's own frames ---------------------------------------------------------------------


def callback_reply(buf, word, seq):
    """The reply to the firmware's call ``word``/``seq`` to the host (service 19: DNS-found is
    void, the raw-TCP callbacks return i32 0) built in ``buf``; returns the frame length, or
    0 when ``word`` is no firmware callback (what the host sent, echoed back)."""
    service = (word >> 16) & 0xFF
    method = (word >> 8) & 0xFF
    if service != _SVC_CALLBACK:
        return 0
    end = begin(buf, service, method, seq, _REPLY)
    if method > _CALLBACK_DNS_FOUND:
        end = put_i32(buf, end, 0)
    return finish(buf, end)


# -- reading -----------------------------------------------------------------------------------------


def get_u16(buf, off):
    return buf[off] | buf[off + 1] << 8


# Byte arithmetic rather than struct.unpack_from: no tuple per value read.
def get_i32(buf, off):
    top = buf[off + 3]
    return (((top ^ 0x80) - 0x80) << 24) + (buf[off + 2] << 16 | buf[off + 1] << 8 | buf[off])


def get_u32(buf, off):
    return (buf[off + 3] << 24) + (buf[off + 2] << 16 | buf[off + 1] << 8 | buf[off])


def describe(word):
    """``"type t service s method m"`` for error messages."""
    return "type %d service %d method %d (codec version %d)" % (
        word & 0xFF,
        (word >> 16) & 0xFF,
        (word >> 8) & 0xFF,
        word >> 24,
    )


def parse_sockaddr(buf, off):
    """``("a.b.c.d", port)`` from a 16-byte ``sockaddr_in`` at ``off``."""
    return (
        "%d.%d.%d.%d" % (buf[off + 4], buf[off + 5], buf[off + 6], buf[off + 7]),
        buf[off + 2] << 8 | buf[off + 3],
    )


def parse_event(body, length):
    """``(event_id, reason)`` from a 19/1 event body (``reason``: the STA_DISCONNECTED
    reason code, else 0); ``None`` when the body is not a well-formed event."""
    if length < _MESSAGE_HEADER + 4 + 4:
        return None
    size = get_u32(body, _MESSAGE_HEADER)
    if size < 4 or _MESSAGE_HEADER + 4 + size > length:
        return None
    event = get_u32(body, _MESSAGE_HEADER + 4)
    reason = 0
    if event == EVENT_STA_DISCONNECTED and size >= 40:
        reason = body[_MESSAGE_HEADER + 8 + 39]  # ssid[32], ssid_len, bssid[6], reason
    return event, reason


def parse_mac(buf, off):
    """6 bytes from the firmware's ``"xx:xx:xx:xx:xx:xx\\0"`` (18 bytes at ``off``)."""
    out = bytearray(6)
    for i in range(6):
        out[i] = int(bytes(buf[off + 3 * i : off + 3 * i + 2]), 16)
    return bytes(out)


def parse_scan_record(buf, off):
    """``(ssid, bssid, rssi, security, channel)`` from a packed 62-byte
    ``rtw_scan_result_t`` at ``off``."""
    n = buf[off]
    n = min(n, 32)
    ssid = decode_text(bytes(buf[off + 1 : off + 1 + n]))
    bssid = bytes(buf[off + 34 : off + 40])
    rssi = struct.unpack_from("<h", buf, off + 40)[0]
    security = get_u32(buf, off + 46)
    channel = get_u32(buf, off + 54)
    return ssid, bssid, rssi, security, channel
