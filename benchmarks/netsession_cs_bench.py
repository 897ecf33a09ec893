"""Benchmark: enumerate 100,000 sessions through the C# utils (ListAndClose.cs over NetSession.cs,
compiled together as Add-CSharpType does; Mono) and through a plain C
loop over the same stand-in netapi32, interleaved. Prints median times, the median and
min-max of the per-pair ratio, and peak RSS.
A script, not a test: figures depend on the machine. Usage: python benchmarks/netsession_cs_bench.py [N]
"""
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'benchmarks'))
from interleave import paired, ratio_text  # noqa: E402
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
RUNS = 9

CS = r'''
using System; using System.Diagnostics; using System.Runtime.InteropServices;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;
static class B {
  [DllImport("netapi32.dll")] static extern void standin_add_many(int n);
  static int Main(string[] a) {
    int n = Int32.Parse(a[0]); int pref = Int32.Parse(a[1]); standin_add_many(n);
    Stopwatch w = Stopwatch.StartNew();
    int got = SessionList.Enumerate(null, null, null, 502, pref).Count;
    w.Stop(); if (got != n) return 2;
    Console.WriteLine(w.Elapsed.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    return 0; } }
'''

C = r'''
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
typedef struct { uint16_t *cname, *username; uint32_t num_opens, time, idle, flags; uint16_t *cltype, *transport; } S502;
uint32_t NetSessionEnum(const uint16_t*, const uint16_t*, const uint16_t*, uint32_t, uint8_t**, uint32_t, uint32_t*, uint32_t*, uint32_t*);
uint32_t NetApiBufferFree(void*); void standin_add_many(int);
static size_t wl(const uint16_t *s) { size_t n = 0; if (s) while (s[n]) n++; return n; }
int main(int argc, char **argv) {
  int n = atoi(argv[1]); uint32_t pref = (uint32_t)strtoul(argv[2], 0, 10); standin_add_many(n);
  struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
  uint32_t resume = 0, status, read, total; size_t got = 0, chars = 0; uint8_t *buf;
  do { status = NetSessionEnum(0, 0, 0, 502, &buf, pref, &read, &total, &resume);
       S502 *e = (S502*)buf;
       for (uint32_t i = 0; i < read; i++) { chars += wl(e[i].cname) + wl(e[i].username) + wl(e[i].cltype) + wl(e[i].transport); got++; }
       NetApiBufferFree(buf); } while (status == 234);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (got != (size_t)n || !chars) return 2;
  printf("%f\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6); return 0; }
'''


def run(cmd, env):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    out = proc.stdout.read()
    status, usage = os.wait4(proc.pid, 0)[1:]
    proc.stdout.close()
    if status != 0:
        sys.exit('benchmark program failed: %s' % cmd)
    return float(out.strip()), usage.ru_maxrss / 1024.0


def main():
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        subprocess.check_call(['gcc', '-shared', '-fPIC', '-O2', '-o', str(d / 'libnetapi32.so'),
                               str(ROOT / 'tests' / 'csharp' / 'standin' / 'netapi32_standin.c')])
        (d / 'loop.c').write_text(C)
        subprocess.check_call(['gcc', '-O2', '-o', str(d / 'loop'), str(d / 'loop.c'), '-L', str(d), '-lnetapi32'])
        (d / 'B.cs').write_text(CS)
        mcs = ['mcs', '-langversion:5', '-sdk:4.5-api', '-nologo', '-optimize+']
        utils = [str(p) for p in sorted((ROOT / 'plugins' / 'module_utils').glob('*.cs'))]
        subprocess.check_call(mcs + ['-target:library', '-out:%s' % (d / 'LanmanSmbUtils.dll')] + utils)
        subprocess.check_call(mcs + ['-r:%s' % (d / 'LanmanSmbUtils.dll'), '-out:%s' % (d / 'B.exe'), str(d / 'B.cs')])
        env = dict(os.environ, LD_LIBRARY_PATH=str(d))
        print('Enumerating %d sessions at level 502 through the stand-in netapi32; C loop and C# util run '
              'interleaved, %d pairs; time measured inside each process (no start-up), peak RSS of the whole '
              'process' % (N, RUNS))
        print('%-18s %10s %12s %26s %16s' % ('prefmaxlen', 'C loop ms', 'C# util ms', 'C#/C median (min-max)',
                                             'peak RSS C / C#'))
        for label, pref in (('MAX (one buffer)', '4294967295'), ('64 KiB pages', '65536')):
            rss = {'c': 0.0, 'cs': 0.0}

            def c_loop():
                ms, peak = run([str(d / 'loop'), str(N), pref], env)
                rss['c'] = max(rss['c'], peak)
                return ms

            def cs_util():
                ms, peak = run(['mono', str(d / 'B.exe'), str(N), str(int(pref) if pref != '4294967295' else -1)], env)
                rss['cs'] = max(rss['cs'], peak)
                return ms
            r = paired(c_loop, cs_util, RUNS, self_timed=True)
            print('%-18s %10.1f %12.1f %26s %9.0f / %3.0f MB'
                  % (label, r['a_ms'], r['b_ms'], ratio_text(r), rss['c'], rss['cs']))


if __name__ == '__main__':
    main()
