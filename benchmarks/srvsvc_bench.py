"""Benchmark: MS-SRVS session enumeration and close against a real Samba on loopback.

Our client (plugins/module_utils/srvsvc.py) vs impacket (a benchmark-only peer) vs the
`rpcclient` command, with 0, 200 and 1,000 sessions. Medians of RUNS runs. Prints a table
and, with --write, replaces the "Agentless enumeration (MS-SRVS)" section of docs/benchmarks.md.
A script, not a test: figures depend on the machine.

    .venv/bin/python benchmarks/srvsvc_bench.py [--write]
"""
import pathlib
import statistics
import subprocess
import sys
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tests'))
sys.path.insert(0, str(ROOT / 'tests' / 'output' / 'collections'))
if not (ROOT / 'tests' / 'output' / 'collections' / 'ansible_collections' / 'lanman' / 'smb').exists():
    link = ROOT / 'tests' / 'output' / 'collections' / 'ansible_collections' / 'lanman' / 'smb'
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(ROOT, target_is_directory=True)

try:
    from impacket.dcerpc.v5 import srvs, transport  # noqa: E402
except ImportError:
    sys.exit('impacket is a benchmark-only peer: .venv/bin/python -m pip install -r benchmarks/requirements.txt')
from smbprotocol.connection import Connection  # noqa: E402
from smbprotocol.session import Session  # noqa: E402

from ansible_collections.lanman.smb.plugins.module_utils.srvsvc import SrvsvcClient  # noqa: E402
from samba_lab.server import SambaLab  # noqa: E402

RUNS = 7
SIZES = (0, 200, 1000)


def median_ms(fn, runs=RUNS):
    times = []
    for dummy in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def open_sessions(lab, user, count):
    """``count`` SMB sessions of ``user`` multiplexed on one TCP connection (fast to open)."""
    conn = Connection(uuid.uuid4(), '127.0.0.1', lab.port, require_signing=True)
    conn.connect(timeout=10)
    for dummy in range(count):
        Session(conn, user, lab.users[user], require_encryption=False, auth_protocol='ntlm').connect()
    return conn


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
    rows = []
    with SambaLab(users={'bench': 'Bench-Pw-1', 'victim': 'Victim-Pw-1'}) as lab:
        holders = []
        opened = 0
        ours = SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm')
        ours.connect()
        dce = impacket_dce(lab)
        for size in SIZES:
            holders.append(open_sessions(lab, 'bench', size - opened))
            opened = size
            count = len(ours.enum_sessions(1))
            assert count == size + 2, count  # + our own and impacket's sessions
            imp_count = len(srvs.hNetrSessionEnum(dce, srvs.NULL, srvs.NULL, 1)['InfoStruct']['SessionInfo']['Level1']['Buffer'])
            assert imp_count == count, (imp_count, count)
            rows.append(('enumerate %d sessions (open connection)' % size,
                         median_ms(lambda: ours.enum_sessions(1)),
                         median_ms(lambda: srvs.hNetrSessionEnum(dce, srvs.NULL, srvs.NULL, 1)),
                         None))

            def ours_cold():
                with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm') as c:
                    c.enum_sessions(1)

            def impacket_cold():
                d = impacket_dce(lab)
                srvs.hNetrSessionEnum(d, srvs.NULL, srvs.NULL, 1)
                d.disconnect()
            rows.append(('connect + enumerate %d + disconnect' % size, median_ms(ours_cold), median_ms(impacket_cold),
                         median_ms(lambda: rpcclient(lab, 'netsessenum'))))

        def close_with(fn):
            times = []
            for dummy in range(5):
                victim = lab.open_session('victim')
                start = time.perf_counter()
                fn()
                times.append((time.perf_counter() - start) * 1000)
                lab.close_session(victim)
            return statistics.median(times)
        rows.append(('close one (client, user) pair',
                     close_with(lambda: ours.delete_session('127.0.0.1', 'victim')),
                     close_with(lambda: srvs.hNetrSessionDel(dce, '127.0.0.1\x00', 'victim\x00')),
                     close_with(lambda: rpcclient(lab, 'netsessdel 127.0.0.1 victim'))))
        ours.close()
        dce.disconnect()
        for conn in holders:
            conn.disconnect()
    return rows


def table(rows):
    lines = ['| operation | lanman.smb srvsvc | impacket | rpcclient (process) | impacket / ours |',
             '|---|---|---|---|---|']
    for name, ours, imp, rpc in rows:
        lines.append('| %s | %.1f ms | %.1f ms | %s | %.1fx |' % (
            name, ours, imp, '%.1f ms' % rpc if rpc is not None else '-', imp / ours))
    return '\n'.join(lines)


def write_section(text):
    path = ROOT / 'docs' / 'benchmarks.md'
    doc = path.read_text()
    head = '## Agentless enumeration (MS-SRVS)'
    section = (head + '\n\n`python benchmarks/srvsvc_bench.py --write` against a private Samba 4.17 on loopback '
               '(tests/samba_lab), level 1, median of %d runs. Sessions are opened as many SMB sessions on one TCP '
               'connection; each listing also holds the two benchmark clients\' own sessions.\n\n' % RUNS + text + '\n')
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
