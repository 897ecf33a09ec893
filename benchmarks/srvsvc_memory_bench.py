"""Benchmark: what a hostile server's answer costs an agentless module (issue 14 item 7).

A script, not a test: it prints, for every scenario of tests/unit/plugins/module_utils/
hostile_answers.py, the module's peak RSS growth (ru_maxrss less the RSS before the module
started), the seconds the run took, the size of the printed result and how it ended. Each
run is one fresh process (memory_probe.py) running smb_session_info (or smb_session in check
mode with all=true) for real against the answer. test_srvsvc_memory.py asserts the 256 MB
bound on a subset; docs/benchmarks.md quotes a run.

    .venv/bin/python benchmarks/srvsvc_memory_bench.py [--module smb_session_info] [SCENARIO ...]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

from interleave import in_tree_import_base

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROBE_DIR = ROOT / 'tests' / 'unit' / 'plugins' / 'module_utils'


def run(scenario, module):
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PROBE_OUT=str(pathlib.Path(tmp) / 'result.json'))
        proc = subprocess.run([sys.executable, str(PROBE_DIR / 'memory_probe.py'), str(in_tree_import_base(ROOT)), scenario, module],
                              env=env, check=False, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        return dict(scenario=scenario, module=module, error=proc.stderr.strip().splitlines()[-1:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--module', default='smb_session_info', choices=['smb_session_info', 'smb_session'])
    parser.add_argument('scenarios', nargs='*')
    args = parser.parse_args()
    sys.path.insert(0, str(in_tree_import_base(ROOT)))
    sys.path.insert(0, str(PROBE_DIR))
    from hostile_answers import SCENARIOS
    print('%-26s %10s %8s %10s  %s' % ('scenario', 'peak MiB', 'seconds', 'result MiB', 'outcome'))
    for scenario in args.scenarios or list(SCENARIOS):
        figures = run(scenario, args.module)
        if 'error' in figures:
            print('%-26s  probe failed: %s' % (scenario, figures['error']))
            continue
        outcome = ('failed: ' + figures['msg'][:90]) if figures['failed'] else '%d sessions' % figures['sessions']
        print('%-26s %10.1f %8.2f %10.1f  %s'
              % (scenario, figures['growth_mib'], figures['seconds'], figures['output_mib'], outcome))


if __name__ == '__main__':
    main()
