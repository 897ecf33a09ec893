# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stub data every paged MS-SRVS listing shares (NetrSessionEnum, NetrFileEnum,
NetrConnectionEnum): the request's *_ENUM_STRUCT and resume handle, and the answer's level,
container, conformant array of fixed parts and deferred strings, decoded within the listing's
bounds. Each call's file keeps only its opnum, filter strings and level structs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError, NdrReader, NdrWriter


class TooManyEntriesError(NdrError):
    """An answer announces more entries than a listing may hold; nothing was allocated."""


class TextBudgetError(NdrError):
    """The listing's strings would take more than its TextBudget to print."""


class TextBudget:
    """What a listing's strings may take in the module's result, all rounds together."""

    def __init__(self, limit):
        self.limit = limit
        self.left = limit

    def spend(self, text):
        self.left -= printed_size(text)
        if self.left < 0:
            raise TextBudgetError('the strings take more than %d characters to print' % self.limit)


def printed_size(text):
    """An upper bound of the characters ``text`` takes in JSON as Ansible prints it (ASCII only:
    every other UTF-16 code unit becomes a 6-character \\uXXXX escape)."""
    if text.isascii() and text.isprintable():
        return len(text) + text.count('\\') + text.count('"')
    return 3 * len(text.encode('utf-16-le'))


class EntryLayout:
    """One call's entry structs. ``level_fields``: per level, the fixed part of one entry in wire
    order ('p' = string pointer, 'u' = uint32); ``keys``: every entry's dict keys (fields a level
    lacks are None); ``string_limit(name)``: the longest string field ``name`` may hold;
    ``field_words``: how a refusal names such a field; ``noun``: the entries, in messages."""

    def __init__(self, level_fields, keys, string_limit, noun, field_words='a session field'):
        self.level_fields = level_fields
        self.keys = keys
        self.string_limit = string_limit
        self.noun = noun
        self.field_words = field_words

    def read_entries(self, r, stub, fields, count, text_budget):
        """``count`` entries: the fixed parts read in place (a second reader), then the deferred
        strings that follow all of them, in order; no list of the fixed parts is built."""
        fixed = NdrReader(stub, r.position)
        r.skip(count * 4 * len(fields))
        entries = []
        for dummy in range(count):
            entry = dict.fromkeys(self.keys)
            for name, kind in fields:
                value = fixed.u32()
                if kind == 'u':
                    entry[name] = value
                elif value:
                    text = entry[name] = r.wstring(self.string_limit(name), self.field_words)
                    if text_budget is not None:
                        text_budget.spend(text)
            entries.append(entry)
        return entries


def encode_enum_request(server, filters, level, prefmaxlen, resume_handle):
    """A *Enum request: the server, the call's filter strings (None for none), then the
    *_ENUM_STRUCT with an empty container, the preferred length and the resume handle."""
    w = NdrWriter()
    w.unique_wstring(server)
    for text in filters:
        w.unique_wstring(text)
    w.u32(level)          # *_ENUM_STRUCT.Level
    w.u32(level)          # union discriminant
    w.referent()          # pointer to the (empty) container
    w.u32(0)              # container.EntriesRead
    w.u32(0)              # container.Buffer = NULL
    w.u32(prefmaxlen)
    w.referent()          # ResumeHandle pointer
    w.u32(resume_handle)
    return w.getvalue()


def decode_enum_answer(stub, layout, asked_level, max_entries, text_budget):
    """Return (entries, total_entries, resume_handle or None, status).

    An answer with more than ``max_entries`` entries raises TooManyEntriesError before any entry
    is built; a string longer than its field may hold raises FieldTooLongError; strings past
    ``text_budget`` (a TextBudget, spent as they are read) raise TextBudgetError. Entries at
    another level than ``asked_level`` (None: any) raise NdrError: level 0 sessions read as level
    502 would be sessions without a user (null sessions).
    """
    r = NdrReader(stub)
    level = r.u32()
    switch = r.u32()
    if level != switch or level not in layout.level_fields:
        raise NdrError('unexpected info level %d (switch %d)' % (level, switch))
    fields = layout.level_fields[level]
    entries = []
    if r.u32():                              # container pointer
        entries_read = r.u32()
        if entries_read and asked_level is not None and level != asked_level:
            raise NdrError('the server answered with %s at level %d to a level %d request'
                           % (layout.noun, level, asked_level))
        if entries_read > max_entries:
            raise TooManyEntriesError('the answer holds %d %s, more than the %d this listing may still take'
                                      % (entries_read, layout.noun, max_entries))
        if r.u32():                          # Buffer pointer
            count = r.count(4 * len(fields), 'entry')
            if count != entries_read:
                raise NdrError('array count %d differs from EntriesRead %d' % (count, entries_read))
            entries = layout.read_entries(r, stub, fields, count, text_budget)
        elif entries_read:
            raise NdrError('EntriesRead %d with a NULL buffer' % entries_read)
    total = r.u32()
    resume = r.u32() if r.u32() else None   # unique pointer, then its value
    status = r.u32()
    return entries, total, resume, status
