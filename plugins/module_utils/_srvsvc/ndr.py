# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Minimal NDR (DCE 1.1 / C706 ch. 14) reader and writer: 32-bit little-endian only.

Only what MS-SRVS session calls need: uint32, unique pointers and conformant varying
UTF-16 strings. Every read is bounds-checked and every count is checked against the bytes
left *before* anything is allocated, so a hostile server cannot make us loop or balloon.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import struct

_U32 = struct.Struct('<I')


class NdrError(ValueError):
    """The stub data is malformed or truncated."""


class FieldTooLongError(NdrError):
    """A string is longer than the caller allows; it was not decoded."""


class NdrWriter:
    def __init__(self):
        self._parts = []
        self._size = 0
        self._next_referent = 0x00020000

    def _put(self, data):
        self._parts.append(data)
        self._size += len(data)

    def align(self, n=4):
        pad = (-self._size) % n
        if pad:
            self._put(b'\x00' * pad)

    def u32(self, value):
        self.align(4)
        self._put(_U32.pack(value & 0xFFFFFFFF))

    def referent(self):
        """Write a fresh non-null referent id for a unique pointer."""
        self._next_referent += 4
        self.u32(self._next_referent)

    def unique_wstring(self, text):
        """A [string, unique] wchar_t*: null pointer for None, else referent + string."""
        if text is None:
            self.u32(0)
            return
        self.referent()
        self.wstring(text)

    def wstring(self, text):
        data = (text + '\x00').encode('utf-16-le')
        count = len(data) // 2
        self.u32(count)   # maximum count
        self.u32(0)       # offset
        self.u32(count)   # actual count
        self._put(data)
        self.align(4)

    def getvalue(self):
        return b''.join(self._parts)


class NdrReader:
    def __init__(self, data, offset=0):
        self._data = data
        self._pos = offset

    @property
    def remaining(self):
        return len(self._data) - self._pos

    @property
    def position(self):
        return self._pos

    def skip(self, nbytes):
        if nbytes > self.remaining:
            raise NdrError('truncated stub data at offset %d (need %d bytes, have %d)' % (self._pos, nbytes, self.remaining))
        self._pos += nbytes

    def align(self, n=4):
        self._pos += (-self._pos) % n
        if self._pos > len(self._data):
            raise NdrError('truncated stub data (alignment past the end)')

    def u32(self):
        self.align(4)
        end = self._pos + 4
        if end > len(self._data):
            raise NdrError('truncated stub data at offset %d (need 4 bytes, have %d)'
                           % (self._pos, len(self._data) - self._pos))
        value = _U32.unpack_from(self._data, self._pos)[0]
        self._pos = end
        return value

    def count(self, item_size, what):
        """Read a conformance/element count and make sure that many items can fit."""
        value = self.u32()
        if value * item_size > self.remaining:
            raise NdrError('%s count %d does not fit in the %d bytes left' % (what, value, self.remaining))
        return value

    def wstring(self, max_chars=None, field_words='a session field'):
        """A conformant varying UTF-16 string (the pointee of a [string] wchar_t*); one longer
        than ``max_chars`` UTF-16 code units (its NUL not counted) raises FieldTooLongError,
        naming the field as ``field_words``."""
        max_count = self.u32()
        offset = self.u32()
        actual = self.u32()
        if offset != 0 or actual > max_count:
            raise NdrError('bad string header (max %d, offset %d, actual %d)' % (max_count, offset, actual))
        if max_chars is not None and actual > max_chars + 1:
            raise FieldTooLongError('a string of %d characters, longer than the %d %s may hold'
                                    % (actual - 1, max_chars, field_words))
        nbytes = actual * 2
        if nbytes > self.remaining:
            raise NdrError('string of %d characters does not fit in the %d bytes left'
                           % (actual, self.remaining))
        raw = self._data[self._pos:self._pos + nbytes]
        self._pos += nbytes
        self.align(4)
        text = raw.decode('utf-16-le', errors='replace')
        # Strings are sent with their terminating NUL; tolerate servers that omit it.
        return text[:-1] if text.endswith('\x00') else text
