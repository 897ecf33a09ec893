"""Benchmark: MS-SRVS session enumeration and close against a real Samba on loopback.

Our client (plugins/module_utils/_srvsvc/client.py) vs impacket (a benchmark-only peer) vs the
`rpcclient` command, with 0, 200 and 1,000 sessions, peers interleaved. Prints a table
and, with --write, replaces the "Agentless enumeration (MS-SRVS)" section of docs/benchmarks.md.
A script, not a test: figures depend on the machine.

    .venv/bin/python benchmarks/srvsvc_bench.py [--write] [--sizes 0,200,1000] [--per-connection N]
"""
import pathlib
import subprocess
import sys
import uuid

from interleave import in_tree_import_base, paired, ratio_text

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tests'))
sys.path.insert(0, str(in_tree_import_base(ROOT)))

try:
    from impacket.dcerpc.v5 import srvs, transport  # noqa: E402
except ImportError:
    sys.exit('impacket is a benchmark-only peer: .venv/bin/python -m pip install -r benchmarks/requirements.txt')
from smbprotocol.connection import Connection  # noqa: E402
from smbprotocol.session import Session  # noqa: E402

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient  # noqa: E402
from samba_lab.server import SambaLab  # noqa: E402

RUNS = 9
SIZES = tuple(int(x) for x in sys.argv[sys.argv.index('--sizes') + 1].split(',')) if '--sizes' in sys.argv else (0, 200, 1000)
# How the load is made: by default every session has its own TCP connection (its own smbd
# child), as real clients do; --per-connection N multiplexes N sessions on one connection,
# which is faster to open but lets Samba answer from fewer processes.
PER_CONNECTION = int(sys.argv[sys.argv.index('--per-connection') + 1]) if '--per-connection' in sys.argv else 1


def open_sessions(lab, user, count):
    """``count`` SMB sessions of ``user``, PER_CONNECTION of them per TCP connection."""
    conns = []
    while count > 0:
        conn = Connection(uuid.uuid4(), '127.0.0.1', lab.port, require_signing=True)
        conn.connect(timeout=10)
        for dummy in range(min(count, PER_CONNECTION)):
            Session(conn, user, lab.users[user], require_encryption=False, auth_protocol='ntlm').connect()
            count -= 1
        conns.append(conn)
    return conns


def impacket_dce(lab):
    rpc = transport.DCERPCTransportFactory(r'ncacn_np:127.0.0.1[\pipe\srvsvc]')
    rpc.set_dport(lab.port)
    rpc.set_credentials(lab.admin_user, lab.admin_password)
    dce = rpc.get_dce_rpc()
    dce.connect()
    dce.bind(srvs.MSRPC_UUID_SRVS)
    return dce


def rpcclient(lab, command):
    subprocess.run(['rpcclient', '-p', str(lab.port), '-U', '%s%%%s' % (lab.admin_user, lab.admin_password),
                    '127.0.0.1', '-c', command], check=True, capture_output=True, timeout=60)


def measure():
    """Rows of (operation, ours vs impacket, ours vs rpcclient or None), each interleaved."""
    rows = []
    with SambaLab(users={'bench': 'Bench-Pw-1', 'victim': 'Victim-Pw-1'}) as lab:
        holders = []
        opened = 0
        ours = SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm')
        ours.connect()
        dce = impacket_dce(lab)
        for size in SIZES:
            holders.extend(open_sessions(lab, 'bench', size - opened))
            opened = size
            count = len(ours.enum_sessions(1))
            assert count == size + 2, count  # + our own and impacket's sessions
            imp_count = len(srvs.hNetrSessionEnum(dce, srvs.NULL, srvs.NULL, 1)['InfoStruct']['SessionInfo']['Level1']['Buffer'])
            assert imp_count == count, (imp_count, count)
            rows.append(('enumerate %d sessions (open connection)' % size,
                         paired(lambda: ours.enum_sessions(1),
                                lambda: srvs.hNetrSessionEnum(dce, srvs.NULL, srvs.NULL, 1), RUNS), None))

            def ours_cold():
                with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm') as c:
                    c.enum_sessions(1)

            def impacket_cold():
                d = impacket_dce(lab)
                srvs.hNetrSessionEnum(d, srvs.NULL, srvs.NULL, 1)
                d.disconnect()
            rows.append(('connect + enumerate %d + disconnect' % size,
                         paired(ours_cold, impacket_cold, RUNS),
                         paired(ours_cold, lambda: rpcclient(lab, 'netsessenum'), RUNS)))

        victims = []

        def new_victim():
            victims.append(lab.open_session('victim'))
        rows.append(('close one (client, user) pair',
                     paired(lambda: ours.delete_session('127.0.0.1', 'victim'),
                            lambda: srvs.hNetrSessionDel(dce, '127.0.0.1\x00', 'victim\x00'), RUNS, setup=new_victim),
                     paired(lambda: ours.delete_session('127.0.0.1', 'victim'),
                            lambda: rpcclient(lab, 'netsessdel 127.0.0.1 victim'), RUNS, setup=new_victim)))
        for victim in victims:
            lab.close_session(victim)
        ours.close()
        dce.disconnect()
        for conn in holders:
            conn.disconnect()
    return rows


def table(rows):
    lines = ['| operation | lanman.smb | impacket | impacket / ours: median (min-max) | rpcclient process | rpcclient / ours |',
             '|---|---|---|---|---|---|']
    for name, imp, rpc in rows:
        lines.append('| %s | %.1f ms | %.1f ms | %s | %s | %s |' % (
            name, imp['a_ms'], imp['b_ms'], ratio_text(imp),
            '%.1f ms' % rpc['b_ms'] if rpc else '-', ratio_text(rpc) if rpc else '-'))
    return '\n'.join(lines)


def write_section(text):
    path = ROOT / 'docs' / 'benchmarks.md'
    doc = path.read_text()
    head = '## Agentless enumeration (MS-SRVS)'
    how = ('one TCP connection (one smbd child) per session' if PER_CONNECTION == 1
           else '%d SMB sessions per TCP connection' % PER_CONNECTION)
    section = (head + '\n\n`python benchmarks/srvsvc_bench.py --write` against a private Samba on loopback '
               '(tests/samba_lab), level 1. Load: %s, opened before timing; each listing also holds the two '
               'benchmark clients\' own sessions. Peers run interleaved (A, B, A, B, ...), %d pairs per row; '
               'times are medians, ratios the median (min-max) of the per-pair ratios.\n\n' % (how, RUNS) + text + '\n')
    if head in doc:
        before, rest = doc.split(head, 1)
        after = rest.split('\n## ', 1)
        doc = before + section + ('\n## ' + after[1] if len(after) > 1 else '')
    else:
        doc = doc.rstrip('\n') + '\n\n' + section
    path.write_text(doc)


if __name__ == '__main__':
    result = table(measure())
    print(result)
    if '--write' in sys.argv:
        write_section(result)
