"""Run one agentless module against one hostile answer and report what it cost: a script,
started in a fresh process by test_srvsvc_memory.py and benchmarks/srvsvc_memory_bench.py.

    python memory_probe.py IMPORT_BASE SCENARIO MODULE

The module runs for real (options, listing, result, JSON output) with SrvsvcClient's pipe
replaced by hostile_answers.LazyPipe. Prints one JSON line: peak RSS growth in MiB (the peak
of the process, ru_maxrss, less its RSS just before the module started), the seconds the run
took, whether it failed and its message (cut to 600 characters) and how many sessions it
returned.
"""
import json
import os
import pathlib
import resource
import sys
import time


def rss_mib():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1048576.0


def main():
    import_base, scenario, module_name = sys.argv[1:4]
    sys.path.insert(0, import_base)
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    from ansible.module_utils.testing import patch_module_args
    from ansible_collections.lanman.smb.plugins.module_utils import agentless_module
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    from ansible_collections.lanman.smb.plugins.modules import smb_session, smb_session_info
    from hostile_answers import SCENARIOS, LazyPipe

    level, make = SCENARIOS[scenario]()

    class HostileClient(SrvsvcClient):
        def connect(self, *args, **kwargs):
            self._pipe = LazyPipe(make)
            self.local_address = '10.9.9.9'

    agentless_module.SrvsvcClient = HostileClient
    args = dict(server='files01', auth_username='svc', auth_password='pw', timeout=30)
    if module_name == 'smb_session_info':
        module, args['level'] = smb_session_info, level
    else:
        module, args['all'], args['_ansible_check_mode'] = smb_session, True, True
    out_path = os.environ['PROBE_OUT']
    real_stdout = sys.stdout
    sys.stdout = open(out_path, 'w')
    start_rss = rss_mib()
    started = time.monotonic()
    try:
        with patch_module_args(args):
            module.main()
    except SystemExit:
        pass
    finally:
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        sys.stdout.close()
        sys.stdout = real_stdout
    with open(out_path) as f:
        result = json.load(f)
    print(json.dumps(dict(scenario=scenario, module=module_name, growth_mib=round(peak - start_rss, 1),
                          seconds=round(seconds, 2), failed=bool(result.get('failed')),
                          msg=(result.get('msg') or '')[:600],
                          sessions=len(result.get('sessions') or result.get('closed_sessions') or []),
                          output_mib=round(os.path.getsize(out_path) / 1048576.0, 1))))


if __name__ == '__main__':
    main()
