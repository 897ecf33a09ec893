"""Start-up of the agentless modules: importing the client must not load pyspnego's CredSSP/TLS
half (never used over SMB), must keep CredSSP usable, and must keep reporting a missing
smbprotocol. Each case runs in a fresh interpreter, since what matters is the first import."""
import os
import subprocess
import sys
import textwrap

UTIL = 'ansible_collections.lanman.smb.plugins.module_utils'


def run(code):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, '-c', textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_importing_the_module_utils_leaves_credssp_and_tls_unloaded():
    out = run('''
        import sys
        from %s import agentless_module
        from %s._srvsvc import client as srvsvc
        assert srvsvc.HAS_SMBPROTOCOL, srvsvc.SMBPROTOCOL_IMPORT_ERROR
        print(sorted(m for m in ('spnego._credssp', 'spnego.tls', 'cryptography.x509') if m in sys.modules))
        print('spnego' in sys.modules, 'smbprotocol.session' in sys.modules)
    ''' % (UTIL, UTIL))
    assert out.splitlines() == ['[]', 'True True']


def test_credssp_still_works_after_the_deferred_import():
    out = run('''
        import sys
        from %s._srvsvc import client as srvsvc
        import spnego
        ctx = spnego.client('user', 'pass', hostname='host', protocol='credssp')
        import spnego._credssp
        print(type(ctx) is spnego._credssp.CredSSPProxy, type(sys.modules['spnego._credssp'].CredSSPProxy))
    ''' % UTIL)
    assert out.strip() == "True <class 'abc.ABCMeta'>"


def test_nothing_is_changed_when_spnego_is_already_imported():
    out = run('''
        import sys
        import spnego
        real = sys.modules['spnego._credssp']
        from %s._srvsvc import client as srvsvc
        print(sys.modules['spnego._credssp'] is real, srvsvc.HAS_SMBPROTOCOL)
    ''' % UTIL)
    assert out.strip() == 'True True'


def test_missing_smbprotocol_is_still_reported_and_leaves_no_placeholder():
    out = run('''
        import sys
        sys.modules['smbprotocol'] = None          # as if it were not installed
        from %s._srvsvc import client as srvsvc
        print(srvsvc.HAS_SMBPROTOCOL, isinstance(srvsvc.SMBPROTOCOL_IMPORT_ERROR, ImportError),
              'spnego._credssp' in sys.modules and sys.modules['spnego._credssp'].__name__)
    ''' % UTIL)
    assert out.strip() == 'False True False'


def test_missing_spnego_is_reported_as_missing_smbprotocol_dependency():
    out = run('''
        import sys
        sys.modules['spnego'] = None
        from %s._srvsvc import client as srvsvc
        print(srvsvc.HAS_SMBPROTOCOL, 'spnego' in str(srvsvc.SMBPROTOCOL_IMPORT_ERROR), 'spnego._credssp' in sys.modules)
    ''' % UTIL)
    assert out.strip() == 'False True False'


def test_a_failing_spnego_import_leaves_no_placeholder():
    out = run('''
        import sys
        sys.modules['spnego._ntlm'] = None         # a broken spnego install: its import fails midway
        from %s._srvsvc import client as srvsvc
        credssp = sys.modules.get('spnego._credssp')
        # gone, or the real module a plain import left behind: never the placeholder
        print(srvsvc.HAS_SMBPROTOCOL, credssp is None or hasattr(credssp, '__file__'))
    ''' % UTIL)
    assert out.strip() == 'False True'


def test_a_pyspnego_that_needs_more_of_credssp_while_loading_still_imports():
    # As if a newer pyspnego imported another name from spnego._credssp at import time: the
    # placeholder cannot serve it, so the package must be imported the plain way, not
    # reported as missing.
    out = run('''
        import importlib.abc, importlib.util, sys

        class NeedsMore(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name != 'spnego.auth':
                    return None
                sys.meta_path.remove(self)
                spec = importlib.util.find_spec(name)
                sys.meta_path.insert(0, self)
                real_exec = spec.loader.exec_module

                def exec_module(module):
                    real_exec(module)
                    from spnego._credssp import CredSSPTLSContext  # noqa: F401
                spec.loader.exec_module = exec_module
                return spec
        sys.meta_path.insert(0, NeedsMore())
        from %s._srvsvc import client as srvsvc
        print(srvsvc.HAS_SMBPROTOCOL, type(sys.modules.get('spnego._credssp')).__name__)
    ''' % UTIL)
    assert out.strip() == 'True module'
