# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The best share of the raw link rate each co-processor's protocol allows a transfer: its
framing and the firmware's turnaround (the emulator's timing) at the largest chunk the
firmware takes. The link rate is the one the run's bus was clocked at (:mod:`tools.bench.rig`).

The framing sizes below are the protocols' own (docs/protocol-nina.rst,
docs/protocol-rtl8720dn.rst): definitions, not measurements."""

from tools.bench.settings import KIB

SPI_BITS_PER_BYTE = 8
UART_BITS_PER_BYTE = 10  # 8N1: a start bit, 8 data bits, a stop bit
TLS_RECORD = 16384  # the largest TLS record, what the peer's OpenSSL sends in bulk

# NINA-FW: GET_DATABUF_TCP returns up to NINA_READ_MAX data bytes (a 12-byte command; the
# data and 6 bytes of reply), SEND_DATA_TCP takes up to NINA_WRITE_MAX (data and 9 bytes of
# command, padded to 4 bytes; an 8-byte reply). A command is two transactions (the command,
# then its reply), each with its CS and READY handshake.
NINA_READ_MAX = 4086
NINA_READ_COMMAND = 12
NINA_READ_REPLY = 6
NINA_WRITE_MAX = 4083
NINA_WRITE_COMMAND = 9
NINA_WRITE_REPLY = 8
NINA_COMMAND_ALIGN = 4
NINA_TRANSACTIONS_PER_COMMAND = 2

# RTL8720DN eRPC (a 4-byte frame header, an 8-byte message header, then the fields):
# rpc_lwip_recv of up to RTL_RECV_MAX bytes (a 28-byte call; the data and 20 bytes of reply),
# rpc_lwip_send of up to RTL_SEND_MAX (the data and 24 bytes of call; a 16-byte reply), TLS
# reads of up to RTL_RECV_MAX stopping at record ends (a 20-byte call).
RTL_RECV_MAX = 4080
RTL_RECV_CALL = 28
RTL_RECV_REPLY = 20
RTL_SEND_MAX = 4076
RTL_SEND_CALL = 24
RTL_SEND_REPLY = 16
RTL_TLS_READ_CALL = 20


def chunks(total, largest):
    """``total`` bytes in pieces of at most ``largest``."""
    return [largest] * (total // largest) + ([total % largest] if total % largest else [])


def _share(pieces, seconds, rate):
    """The share of ``rate`` the payload ``pieces`` get when each costs ``seconds(n)``."""
    return sum(pieces) / sum(seconds(n) for n in pieces) / rate


def nina_timing():
    """The emulator's NINA timing (per-transaction CS overhead, per-command turnaround)."""
    from netdev_emulator.nina_firmware import NinaTiming

    return NinaTiming()


def nina_receive_window():
    """The emulated firmware's lwIP receive window (what one read can find queued)."""
    from netdev_emulator.nina_firmware import TCP_WND

    return TCP_WND


def nina_command_seconds(rate):
    """What a NINA command costs besides its bytes: its transactions' CS overhead and the
    firmware's turnaround."""
    t = nina_timing()
    return NINA_TRANSACTIONS_PER_COMMAND * t.cs_overhead + t.turnaround


def nina_read_overhead(rate):
    """Seconds a GET_DATABUF costs besides its data (the reply is clocked to its END byte:
    its padding never crosses the bus)."""
    return nina_command_seconds(rate) + (NINA_READ_COMMAND + NINA_READ_REPLY) / rate


def nina_read_pieces(total):
    """How a NINA download of ``total`` queued bytes is read."""
    return chunks(total, NINA_READ_MAX)


def nina_ceilings(rate):
    """``{"down"|"up"|"tls": (share, why)}`` on NINA's SPI at ``rate`` bytes a second.
    Downloads are bound by the firmware's receive window (what one read can find queued),
    TLS downloads by TLS records (a read stops at a record's end)."""
    window = nina_receive_window()

    def read(n):
        return nina_command_seconds(rate) + (NINA_READ_COMMAND + n + NINA_READ_REPLY) / rate

    def write(n):
        command = (n + NINA_WRITE_COMMAND + NINA_COMMAND_ALIGN - 1) // NINA_COMMAND_ALIGN * NINA_COMMAND_ALIGN
        return nina_command_seconds(rate) + (command + NINA_WRITE_REPLY) / rate

    return {
        "down": (_share(nina_read_pieces(window), read, rate), "%d-byte receive window" % window),
        "up": (_share([NINA_WRITE_MAX], write, rate), "%d bytes a command" % NINA_WRITE_MAX),
        "tls": (_share(nina_read_pieces(TLS_RECORD), read, rate), "%d KiB TLS records" % (TLS_RECORD // KIB)),
    }


def rtl_turnaround():
    """The emulated RTL8720DN's turnaround per call (seconds)."""
    from netdev_emulator.rtl8720_firmware import TIMING

    return TIMING["turnaround"]


def rtl_frame_bytes():
    """Frame bytes around the data of a receive and of a send call (call and reply)."""
    return {"down": RTL_RECV_CALL + RTL_RECV_REPLY, "up": RTL_SEND_CALL + RTL_SEND_REPLY}


def rtl_ceilings(rate):
    """``{"down"|"up"|"tls": (share, why)}`` on the RTL8720DN's UART at ``rate`` bytes a
    second: every call pays the turnaround and its frame bytes."""
    turnaround = rtl_turnaround()

    def cost(call_bytes, reply_bytes):
        return lambda n: (call_bytes + n + reply_bytes) / rate + turnaround

    recv = cost(RTL_RECV_CALL, RTL_RECV_REPLY)
    send = cost(RTL_SEND_CALL, RTL_SEND_REPLY)
    tls = cost(RTL_TLS_READ_CALL, RTL_RECV_REPLY)
    return {
        "down": (_share([RTL_RECV_MAX], recv, rate), "%d bytes a call" % RTL_RECV_MAX),
        "up": (_share([RTL_SEND_MAX], send, rate), "%d bytes a call" % RTL_SEND_MAX),
        "tls": (
            _share(chunks(TLS_RECORD, RTL_RECV_MAX), tls, rate),
            "%d KiB TLS records" % (TLS_RECORD // KIB),
        ),
    }
