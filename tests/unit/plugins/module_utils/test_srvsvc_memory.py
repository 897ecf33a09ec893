"""Issue 14 item 7: any answer, however hostile, costs the module at most 256 MB and fails with
the package's own error.

Each case runs smb_session_info for real in a fresh process (memory_probe.py) against a
hostile answer (hostile_answers.py) and reads the process's peak RSS (ru_maxrss) less its RSS
before the module started: the answer's decoding, the result and Ansible's printing of it all
count. Figures before the limits (same probe): one 64 MiB answer of short names +1,122 MiB and
a 177 MiB result; rounds of long names +2,045 MiB in 30 s; 1,000,000 NULL entries +1,117 MiB.
benchmarks/srvsvc_memory_bench.py prints every scenario's figures.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
IMPORT_BASE = HERE.parents[2] / 'output' / 'collections'   # made by tests/conftest.py
LIMITS = json.loads((HERE.parents[2] / 'fixtures' / 'listing_limits.json').read_text())
BOUND_MIB = 256

TOO_MANY = LIMITS['too_many'].format(server='files01', max=LIMITS['max_sessions'])
TOO_LARGE = ("NetSessionEnum on files01: the listing's answers take more than 33554432 bytes, more than any real "
             "server sends, so the server is broken or hostile; stopping instead of growing.")
TOO_MUCH_TEXT = ("NetSessionEnum on files01: the listing's names take more than 16777216 characters to print, more "
                 "than any real server sends, so the server is broken or hostile; stopping instead of growing.")
TOO_LONG = ('NetrSessionEnum on files01 port 445: refusing the answer: a string of 8388608 characters, longer than '
            'the 1024 a session field may hold; the server is broken or hostile')


def probe(scenario, tmp_path, module='smb_session_info'):
    env = dict(os.environ, PROBE_OUT=str(tmp_path / 'result.json'))
    proc = subprocess.run([sys.executable, str(HERE / 'memory_probe.py'), str(IMPORT_BASE), scenario, module],
                          env=env, check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr and 'MemoryError' not in proc.stdout
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize('scenario, message', [
    ('one_answer_short_strings', TOO_LARGE),
    ('million_null_entries', TOO_MANY),
    ('rounds_of_long_names', TOO_LARGE),
    ('rounds_of_short_entries', TOO_MANY),
    ('rounds_of_escaped_names', TOO_MUCH_TEXT),
    ('one_huge_name', TOO_LONG),
])
def test_a_hostile_answer_is_refused_cheaply_with_the_package_error(scenario, message, tmp_path):
    figures = probe(scenario, tmp_path)
    assert figures['failed'] is True and figures['msg'] == message
    assert figures['growth_mib'] <= BOUND_MIB, figures


def test_the_costliest_answer_the_limits_let_in_stays_within_the_bound(tmp_path):
    # 100,000 sessions whose every name is as long as the budgets allow, in characters that
    # JSON prints as 6-byte escapes: the largest result a listing can produce
    figures = probe('worst_accepted_escaped', tmp_path)
    assert figures['failed'] is False and figures['sessions'] == LIMITS['max_sessions']
    assert figures['growth_mib'] <= BOUND_MIB, figures
