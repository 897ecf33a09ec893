"""Benchmark: listing 10,000 open files on a real Samba (loopback) with our client
(plugins/module_utils/_srvsvc/file_calls.enum_files, level 3, with every hostile-server bound)
against impacket's hNetrFileEnum (a benchmark-only peer), interleaved A, B, A, B.

    .venv/bin/python benchmarks/open_file_listing_bench.py [--files 10000] [--per-connection 1000] [--rounds 9] [--write]

The load: --files files created and held open by smbprotocol clients, --per-connection of them
on each client connection (so files / per-connection smbd processes hold them), users bench1,
bench2, ... (one per connection), all in one directory of the share, before timing. Samba needs
a descriptor per open file: the soft RLIMIT_NOFILE is raised to the hard limit before smbd starts
(smbd inherits it). Prints the median time of each peer and the median (min-max) of the per-pair
ratio impacket / ours; with --write it replaces the "Open-file listing" section of
docs/benchmarks.md. A script, not a test: figures depend on the machine.
"""
import pathlib
import resource
import sys
import time

from interleave import in_tree_import_base, paired, ratio_text

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tests'))
sys.path.insert(0, str(in_tree_import_base(ROOT)))

try:
    from impacket.dcerpc.v5 import srvs, transport  # noqa: E402
except ImportError:
    sys.exit('impacket is a benchmark-only peer: .venv/bin/python -m pip install -r benchmarks/requirements.txt')
from smbprotocol.open import (  # noqa: E402
    CreateDisposition, CreateOptions, FilePipePrinterAccessMask, ImpersonationLevel, Open, ShareAccess,
)

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import file_calls  # noqa: E402
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient  # noqa: E402
from samba_lab.open_files import FileHolder  # noqa: E402
from samba_lab.server import SambaLab  # noqa: E402


def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


FILES = option('--files', 10000)
PER_CONNECTION = option('--per-connection', 1000)
RUNS = option('--rounds', 9)


def raise_open_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def hold(lab, user, first, count):
    """A FileHolder of ``user`` holding ``count`` files open (names from ``first``)."""
    holder = FileHolder(lab, user)
    for number in range(first, first + count):
        smb_open = Open(holder.tree, 'load\\f%06d.txt' % number)
        smb_open.create(ImpersonationLevel.Impersonation,
                        FilePipePrinterAccessMask.GENERIC_READ | FilePipePrinterAccessMask.GENERIC_WRITE, 0x80,
                        ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE,
                        CreateDisposition.FILE_OVERWRITE_IF, CreateOptions.FILE_NON_DIRECTORY_FILE)
    return holder


def impacket_dce(lab):
    rpc = transport.DCERPCTransportFactory(r'ncacn_np:127.0.0.1[\pipe\srvsvc]')
    rpc.set_dport(lab.port)
    rpc.set_credentials(lab.admin_user, lab.admin_password)
    dce = rpc.get_dce_rpc()
    dce.connect()
    dce.bind(srvs.MSRPC_UUID_SRVS)
    return dce


def measure():
    limit = raise_open_file_limit()
    if limit < FILES + 1000:
        sys.exit('the open-file limit (%d) is too low for %d files: raise ulimit -Hn' % (limit, FILES))
    connections = -(-FILES // PER_CONNECTION)
    users = dict(('bench%d' % i, 'Bench-Pw-%d' % i) for i in range(connections))
    with SambaLab(users=users) as lab:
        (lab.dir / 'share' / 'load').mkdir()
        (lab.dir / 'share' / 'load').chmod(0o777)
        start = time.perf_counter()
        holders = [hold(lab, 'bench%d' % i, i * PER_CONNECTION, min(PER_CONNECTION, FILES - i * PER_CONNECTION))
                   for i in range(connections)]
        load_seconds = time.perf_counter() - start
        # one connection for every round: its deadline must outlast them all
        ours = SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm',
                            timeout=3600)
        ours.connect()
        dce = impacket_dce(lab)
        count = len(file_calls.enum_files(ours, 3))
        answer = srvs.hNetrFileEnum(dce, srvs.NULL, srvs.NULL, 3)
        imp_count = len(answer['InfoStruct']['FileInfo']['Level3']['Buffer'])
        assert count == imp_count == FILES, (count, imp_count, FILES)
        result = paired(lambda: file_calls.enum_files(ours, 3),
                        lambda: srvs.hNetrFileEnum(dce, srvs.NULL, srvs.NULL, 3), RUNS)
        ours.close()
        dce.disconnect()
        for holder in holders:
            holder.close()
    figures = (FILES, connections, PER_CONNECTION, load_seconds, limit)
    how = ('%d files held open by %d smbprotocol connections (%d files each, one user each) in one directory, '
           'opened in %.0f s before timing; RLIMIT_NOFILE %d' % figures)
    return result, how


def text(result, how):
    return ('| operation | lanman.smb | impacket | impacket / ours: median (min-max) |\n|---|---|---|---|\n'
            '| NetrFileEnum level 3, %d open files (open connection) | %.1f ms | %.1f ms | %s |\n\nLoad: %s; '
            '%d interleaved pairs.' % (FILES, result['a_ms'], result['b_ms'], ratio_text(result), how, result['runs']))


def write_section(body):
    path = ROOT / 'docs' / 'benchmarks.md'
    doc = path.read_text()
    head = '## Open-file listing (NetrFileEnum)'
    section = (head + '\n\n`python benchmarks/open_file_listing_bench.py --write` against a private Samba on loopback '
               '(tests/samba_lab). Times are medians; the ratio is the median (min-max) of the per-pair ratios.\n\n'
               + body + '\n')
    if head in doc:
        before, rest = doc.split(head, 1)
        after = rest.split('\n## ', 1)
        doc = before + section + ('\n## ' + after[1] if len(after) > 1 else '')
    else:
        doc = doc.rstrip('\n') + '\n\n' + section
    path.write_text(doc)


if __name__ == '__main__':
    output = text(*measure())
    print(output)
    if '--write' in sys.argv:
        write_section(output)
