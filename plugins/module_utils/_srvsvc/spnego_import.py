# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Import pyspnego without loading its CredSSP half, which SMB never uses.

``import spnego`` (done by smbprotocol.session) loads spnego._credssp, and with it TLS
support (ssl, cryptography.x509): the largest part of the module's start-up
(docs/benchmarks.md). While spnego is first imported, a placeholder stands in for
spnego._credssp; its CredSSPProxy imports the real class when called, so
``spnego.client(protocol='credssp')`` keeps working. The placeholder is removed at once, so a
later ``import spnego._credssp`` gets the real module. If spnego is already imported (or
known to be missing), nothing is changed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys
import types

_CREDSSP = 'spnego._credssp'


def _credssp_proxy(*args, **kwargs):
    """Stands in for spnego._credssp.CredSSPProxy, which spnego.auth.client only calls."""
    from spnego._credssp import CredSSPProxy
    return CredSSPProxy(*args, **kwargs)


def import_spnego():
    """Import spnego (ImportError if it is missing) with CredSSP deferred until first use."""
    if 'spnego' in sys.modules or _CREDSSP in sys.modules:
        return
    placeholder = types.ModuleType(_CREDSSP)
    placeholder.CredSSPProxy = _credssp_proxy
    sys.modules[_CREDSSP] = placeholder
    try:
        import spnego  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        # A pyspnego that needs more of _credssp while it loads must not look "missing":
        # forget the half-imported package and import it the plain way (slower start-up only).
        _forget_spnego()
        import spnego  # noqa: F401,F811  pylint: disable=unused-import,reimported
    finally:
        if sys.modules.get(_CREDSSP) is placeholder:
            del sys.modules[_CREDSSP]


def _forget_spnego():
    # None entries are Python's "import blocked" markers (a missing module): keep them.
    for name in [m for m, mod in sys.modules.items() if (m == 'spnego' or m.startswith('spnego.')) and mod is not None]:
        del sys.modules[name]
