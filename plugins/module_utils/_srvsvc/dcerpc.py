# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection-oriented DCE/RPC PDUs (C706 ch. 12, MS-RPCE 2.2.2) over a message pipe.

Just bind and request/response without RPC-level auth: the SMB session underneath
authenticates, signs and (optionally) encrypts. ``transact`` reassembles multi-fragment
responses and refuses a server that breaks the fragment rules: the first fragment must carry
PFC_FIRST_FRAG and no later one may, every fragment must answer our call, and both the
fragment count and the total size are capped (a listing passes what is left of its byte
budget as the cap, messages.MAX_LISTING_BYTES).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import struct
import uuid

PTYPE_REQUEST = 0
PTYPE_RESPONSE = 2
PTYPE_FAULT = 3
PTYPE_BIND = 11
PTYPE_BIND_ACK = 12
PTYPE_BIND_NAK = 13
PFC_FIRST_FRAG = 0x01
PFC_LAST_FRAG = 0x02

NDR_SYNTAX = (uuid.UUID('8a885d04-1ceb-11c9-9fe8-08002b104860'), 2, 0)
MAX_FRAG = 4280
# No answer may be larger, whatever the call: a whole listing's byte budget (messages.py).
MAX_RESPONSE_BYTES = 32 * 1024 * 1024

_HEADER = struct.Struct('<BBBB4sHHI')
_RESPONSE_HEADER_SIZE = _HEADER.size + 8      # common header + alloc_hint, context id, cancel count
# C706 12.6.3.1: every implementation must accept fragments of 1432 bytes, so no honest server
# needs smaller ones; MAX_RESPONSE_BYTES in fragments of that size is the most a reply can take.
# Without this cap, empty non-final fragments would keep the client reading forever.
MUST_RECV_FRAG_SIZE = 1432
MAX_FRAGMENTS = -(-MAX_RESPONSE_BYTES // (MUST_RECV_FRAG_SIZE - _RESPONSE_HEADER_SIZE))
_DREP_LE = b'\x10\x00\x00\x00'

FAULT_NAMES = {
    0x1c010003: 'nca_s_unk_if (interface not supported)',
    0x1c010002: 'nca_s_op_rng_error (operation not supported)',
    0x00000005: 'access denied',
    0x1c00001a: 'nca_s_proto_error',
    0x000006f7: 'RPC_X_BAD_STUB_DATA',
}


class RpcProtocolError(Exception):
    """The server broke the DCE/RPC protocol or answered with a fault."""


class ResponseTooLargeError(RpcProtocolError):
    """An answer grew past the cap the caller gave; nothing past the cap was kept."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        super(ResponseTooLargeError, self).__init__('response larger than %d bytes: refusing it' % max_bytes)


def _header(ptype, body_len, call_id, flags=PFC_FIRST_FRAG | PFC_LAST_FRAG):
    return _HEADER.pack(5, 0, ptype, flags, _DREP_LE, _HEADER.size + body_len, 0, call_id)


def bind_pdu(interface, call_id=1):
    if_uuid, if_major, if_minor = interface
    body = struct.pack('<HHI', MAX_FRAG, MAX_FRAG, 0)
    body += struct.pack('<BBH', 1, 0, 0)                    # one presentation context
    body += struct.pack('<HBB', 0, 1, 0)                    # context id 0, one transfer syntax
    body += if_uuid.bytes_le + struct.pack('<HH', if_major, if_minor)
    body += NDR_SYNTAX[0].bytes_le + struct.pack('<I', NDR_SYNTAX[1])
    return _header(PTYPE_BIND, len(body), call_id) + body


def request_pdu(opnum, stub, call_id):
    body = struct.pack('<IHH', len(stub), 0, opnum) + stub
    return _header(PTYPE_REQUEST, len(body), call_id) + body


def parse_header(data):
    if len(data) < _HEADER.size:
        raise RpcProtocolError('short DCE/RPC PDU (%d bytes)' % len(data))
    vers, minor, ptype, flags, drep, frag_len, auth_len, call_id = _HEADER.unpack_from(data)
    if vers != 5 or minor not in (0, 1):
        raise RpcProtocolError('not a DCE/RPC v5 PDU (version %d.%d)' % (vers, minor))
    if drep[0] & 0xF0 != 0x10:
        raise RpcProtocolError('big-endian DCE/RPC data representation is not supported')
    if frag_len != len(data) or frag_len < _HEADER.size + auth_len:
        raise RpcProtocolError('PDU length %d does not match the %d bytes received' % (frag_len, len(data)))
    return ptype, flags, call_id, auth_len


def check_bind_ack(data):
    ptype = parse_header(data)[0]
    if ptype == PTYPE_BIND_NAK:
        raise RpcProtocolError('the server refused the srvsvc interface (bind_nak)')
    if ptype != PTYPE_BIND_ACK:
        raise RpcProtocolError('expected bind_ack, got PDU type %d' % ptype)
    pos = _HEADER.size + 8
    if len(data) < pos + 2:
        raise RpcProtocolError('truncated bind_ack')
    sec_len = struct.unpack_from('<H', data, pos)[0]
    pos += 2 + sec_len
    pos += (-pos) % 4
    if len(data) < pos + 8:
        raise RpcProtocolError('truncated bind_ack result list')
    n_results = data[pos]
    result, reason = struct.unpack_from('<HH', data, pos + 4)
    if n_results < 1 or result != 0:
        raise RpcProtocolError('the server rejected the presentation context (result %d, reason %d)'
                               % (result, reason))


class RpcFaultError(RpcProtocolError):
    """The server answered a call with a fault PDU; ``status`` is its code (Samba answers
    nca_s_op_rng_error for a call it does not implement, e.g. NetrFileGetInfo)."""

    def __init__(self, status):
        self.status = status
        super(RpcFaultError, self).__init__('the server answered with a DCE/RPC fault: %s (0x%08x)'
                                            % (FAULT_NAMES.get(status, 'unknown fault'), status))


FAULT_OP_RNG_ERROR = 0x1c010002


def response_stub(fragment, call_id, first=True):
    """Stub data of one response fragment, and whether it is the last one.

    ``first`` says whether this is the first fragment of the answer: only that one may (and
    must) carry PFC_FIRST_FRAG.
    """
    ptype, flags, got_call_id, auth_len = parse_header(fragment)
    if ptype == PTYPE_FAULT:
        status = struct.unpack_from('<I', fragment, _HEADER.size + 8)[0] if len(fragment) >= 28 else 0
        raise RpcFaultError(status)
    if ptype != PTYPE_RESPONSE:
        raise RpcProtocolError('expected a response PDU, got type %d' % ptype)
    if got_call_id != call_id:
        raise RpcProtocolError('response for call %d while waiting for call %d' % (got_call_id, call_id))
    if bool(flags & PFC_FIRST_FRAG) != first:
        raise RpcProtocolError(
            'the first response fragment lacks the first-fragment flag' if first else
            'a response fragment after the first one carries the first-fragment flag')
    end = len(fragment) - (auth_len + 8 if auth_len else 0)
    if end < _RESPONSE_HEADER_SIZE:
        raise RpcProtocolError('truncated response PDU')
    return fragment[_RESPONSE_HEADER_SIZE:end], bool(flags & PFC_LAST_FRAG)


def transact(pipe, opnum, stub, call_id, max_bytes=MAX_RESPONSE_BYTES):
    """Send one request over ``pipe`` (write/read callables) and return the whole stub (a
    bytearray: one copy of the answer in memory, not the fragments and their join).

    An answer larger than ``max_bytes`` raises ResponseTooLargeError as soon as it is; the
    number of fragments is capped by what ``max_bytes`` needs in the smallest legal fragments.
    """
    pdu = request_pdu(opnum, stub, call_id)
    if len(pdu) > MAX_FRAG:
        raise RpcProtocolError('request of %d bytes exceeds one fragment' % len(pdu))
    max_bytes = min(max_bytes, MAX_RESPONSE_BYTES)
    max_fragments = min(MAX_FRAGMENTS, 1 + max_bytes // (MUST_RECV_FRAG_SIZE - _RESPONSE_HEADER_SIZE))
    answer = bytearray()
    fragments = 0
    fragment = pipe.transceive(pdu)
    while True:
        data, last = response_stub(fragment, call_id, first=not fragments)
        if len(answer) + len(data) > max_bytes:
            raise ResponseTooLargeError(max_bytes)
        answer += data
        fragments += 1
        if last:
            return answer
        if fragments >= max_fragments:
            raise RpcProtocolError('the server sent %d response fragments without a last one (at most %d fit in '
                                   'a %d-byte answer): refusing it' % (fragments, max_fragments, max_bytes))
        fragment = pipe.read_fragment()
