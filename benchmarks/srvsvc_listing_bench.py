"""Micro-benchmark: what the client spends on one listing of 1,000 sessions, network excluded.

A fake pipe answers NetrSessionEnum with 1,000 level-1 sessions in 4,280-byte fragments, as
Samba sends them; the timed part is SrvsvcClient.enum_sessions (request, fragment reassembly,
NDR decode, the hostile-server checks). Compares two checkouts, interleaved (A, B, A, B...)
in separate processes, to show that the checks cost a normal listing nothing measurable:

    .venv/bin/python benchmarks/srvsvc_listing_bench.py --before OTHER_CHECKOUT [--rounds 9]

Prints the median and min-max per checkout and of the ratio after/before. A script, not a test.
"""
import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile

from interleave import collection_path

ROOT = pathlib.Path(__file__).resolve().parents[1]

CHILD = r'''
import statistics, struct, sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
from test_srvsvc_codec import enum_response

entries = [{'cname': '10.0.%d.%d' % (i // 250, i % 250), 'username': 'user%d' % i, 'num_opens': 1, 'time': 60,
            'idle_time': 5, 'user_flags': 0} for i in range(1000)]
stub = enum_response(1, entries)


def fragments(size=4280 - 24):
    chunks = [stub[i:i + size] for i in range(0, len(stub), size)]
    out = []
    for i, c in enumerate(chunks):
        flags = (1 if i == 0 else 0) | (2 if i == len(chunks) - 1 else 0)
        body = struct.pack('<IHBB', len(c), 0, 0, 0) + c
        out.append(struct.pack('<BBBB4sHH', 5, 0, 2, flags, b'\x10\0\0\0', 16 + len(body), 0) + body)
    return out


FRAGS = fragments()        # built once; only the call id (header bytes 12-15) is set per call


class Pipe:
    deadline = None

    def transceive(self, pdu):
        call_id = pdu[12:16]
        self.frags = iter([f[:12] + call_id + f[12:] for f in FRAGS])
        return next(self.frags)

    def read_fragment(self):
        return next(self.frags)


client = object.__new__(SrvsvcClient)
client.server, client.port, client._password, client._timeout, client._call_id = 'srv', 445, None, 30, 1
client._pipe = Pipe()
assert len(client.enum_sessions(1)) == 1000
times = []
for dummy in range(200):
    start = time.perf_counter()
    client.enum_sessions(1)
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1000)
'''


def run(coll, root):
    out = subprocess.run([sys.executable, '-c', CHILD, coll, str(root / 'tests/unit/plugins/module_utils')],
                         check=True, capture_output=True, text=True).stdout
    return float(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--before', required=True, type=pathlib.Path,
                        help='the checkout to compare with (a worktree of an older commit)')
    parser.add_argument('--rounds', default=9, type=int)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before, after = collection_path(args.before.resolve(), tmp + '/a'), collection_path(ROOT, tmp + '/b')
        pairs = [(run(before, args.before), run(after, ROOT)) for dummy in range(args.rounds)]
    for name, values in (('before', [p[0] for p in pairs]), ('after', [p[1] for p in pairs]),
                         ('after/before', [p[1] / p[0] for p in pairs])):
        unit = '' if '/' in name else ' ms'
        print('%-13s median %.3f%s (min %.3f, max %.3f)' % (name, statistics.median(values), unit, min(values),
                                                            max(values)))


if __name__ == '__main__':
    main()
