# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resume-handle loop every paged MS-SRVS listing runs (sessions, open files, share
connections), with the listing limits it keeps over all rounds together: the most entries, the
bytes of answers, the printed characters of names, no round without progress, and the run's
deadline (docs/developer/contract.md, "Listing limits"; tests/fixtures/listing_limits.json).
Only the noun and the call's name differ in the texts, so each listing passes its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.deadline import format_seconds
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcProtocolError, SrvsvcStatusError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.listing_codec import (
    TextBudget, TextBudgetError, TooManyEntriesError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import FieldTooLongError, NdrError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import ERROR_MORE_DATA

MAX_PREFERRED_LENGTH = 0xFFFFFFFF   # "as much as you have": the server picks the round size
# Each round must return at least one entry; this caps a server that keeps saying "more".
# (The entry cap and the run's time budget usually stop such a server first.)
MAX_ENUM_ROUNDS = 100000

SLOW_TEXT = ('{operation} on {where}: the {seconds} second timeout ran out before the listing finished ({rounds} '
             'rounds, {count} {noun} received so far; timeout bounds the whole run); the server answers too slowly '
             'or keeps reporting more data. Raise timeout if the server is merely busy.')

# The refusals of one listing, each a str.format text with {server} and {max} ({handle} in
# no_progress): the shared ones of tests/fixtures/listing_limits.json with the listing's noun.
ListingTexts = namedtuple('ListingTexts', 'no_progress too_many too_large too_much_text')


class Listing:
    """One paged call as the loop runs it.

    ``encode(resume_handle)`` builds a round's request; ``decode(answer, max_entries,
    text_budget)`` returns its (entries, total, resume_handle or None, status). ``more``: the
    statuses that mean "more data follows". ``slow_text`` (str.format with operation, where,
    seconds, rounds, count, noun) is the timeout between rounds; ``slow_call_ends_listing``: a
    call after the first that runs out of time fails with it too, counting the rounds, instead
    of with the call's own timeout.
    """

    def __init__(self, opnum, operation, noun, texts, encode, decode, max_entries, max_bytes, max_text,
                 max_rounds=MAX_ENUM_ROUNDS, more=(ERROR_MORE_DATA,), slow_text=SLOW_TEXT,
                 slow_call_ends_listing=True):
        self.opnum = opnum
        self.operation = operation
        self.noun = noun
        self.texts = texts
        self.encode = encode
        self.decode = decode
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_text = max_text
        self.max_rounds = max_rounds
        self.more = more
        self.slow_text = slow_text
        self.slow_call_ends_listing = slow_call_ends_listing


def enum_all(client, listing):
    """Every entry of ``listing`` on ``client`` (a connected SrvsvcClient), following the resume
    handle while the server reports more data; past any bound it fails instead of growing."""
    deadline = client._budget()
    texts = listing.texts
    entries = []
    resume = 0
    seen_handles = set()
    bytes_left = listing.max_bytes
    text_budget = TextBudget(listing.max_text)
    for rounds in range(listing.max_rounds):
        stub = listing.encode(resume)
        try:
            answer = client._call(listing.opnum, stub, listing.operation, max_bytes=bytes_left,
                                  too_large=texts.too_large.format(server=client.server, max=listing.max_bytes))
        except SrvsvcTimeoutError:
            if listing.slow_call_ends_listing and rounds and deadline.expired():
                raise _too_slow(client, listing, rounds, len(entries))
            raise
        bytes_left -= len(answer)
        batch, next_resume, status = _decode_round(client, listing, answer, len(entries), text_budget)
        del answer   # the round's bytes go before the next round's arrive
        if status not in (0,) + listing.more:
            raise SrvsvcStatusError(status, listing.operation)
        entries.extend(batch)
        if status == 0:
            return entries
        # A round that adds nothing, or a handle seen before, would loop for ever.
        if not batch or not next_resume or next_resume in seen_handles:
            raise SrvsvcProtocolError(texts.no_progress.format(server=client.server, handle=next_resume or 0))
        seen_handles.add(next_resume)
        resume = next_resume
        if deadline.expired():
            raise _too_slow(client, listing, rounds + 1, len(entries))
    raise SrvsvcProtocolError('%s on %s: more than %d rounds' % (listing.operation, client._where(), listing.max_rounds))


def _decode_round(client, listing, answer, count, text_budget):
    """(entries, resume_handle or None, status) of one answer, its refusals as SrvsvcProtocolError."""
    texts = listing.texts
    try:
        batch, dummy, next_resume, status = listing.decode(answer, listing.max_entries - count, text_budget)
    except TooManyEntriesError:
        raise SrvsvcProtocolError(texts.too_many.format(server=client.server, max=listing.max_entries))
    except TextBudgetError:
        raise SrvsvcProtocolError(texts.too_much_text.format(server=client.server, max=listing.max_text))
    except FieldTooLongError as e:
        raise SrvsvcProtocolError('%s on %s: refusing the answer: %s; the server is broken or hostile'
                                  % (listing.operation, client._where(), e))
    except NdrError as e:
        raise SrvsvcProtocolError('%s on %s: malformed answer: %s' % (listing.operation, client._where(), e))
    return batch, next_resume, status


def _too_slow(client, listing, rounds, count):
    error = SrvsvcTimeoutError(listing.slow_text.format(
        operation=listing.operation, where=client._where(), seconds=format_seconds(client._budget().seconds),
        rounds=rounds, count=count, noun=listing.noun))
    error.step = listing.operation
    error.request_sent = True
    return error
