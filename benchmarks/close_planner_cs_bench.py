"""Benchmark: the C# close planner (ClosePlanner.Plan in ClosePlanning.cs, Mono) against a plain C
planner over the same sessions, interleaved.

The load: N sessions (default 100,000) of a remote server, as the listing hands them over
(raw client names with a leading \\\\): 25,000 clients by default (--clients; IPv4 in 10/8, 172.16/12 and 192.168/16,
IPv6 with and without a zone), 4,000 users, about 1% null sessions and 1% machine accounts. The
selection is what a remote close gets: two CIDR client selectors (10.0.0.0/8, 172.16.0.0/12),
min_idle_seconds 600, and the 8 addresses of this host as own clients.

The C program does the same planning work directly: it parses each client once, tests the two
networks and the own addresses, counts unselected sessions per (client, user) pair and per
client in hash tables, and counts the calls. Both programs build the sessions first and time
only the planning, inside the process (no start-up): wall time and the CPU time of the process
(GC threads included). With ``--before REV`` the C# utils of that git revision (SessionRules.cs
before the split) are timed too, in its own pairs with the C program.

    .venv/bin/python benchmarks/close_planner_cs_bench.py [--sessions 100000] [--clients 25000] [--runs 9] [--before REV]

A script, not a test: figures depend on the machine (record them in docs/benchmarks.md).
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'benchmarks'))
from interleave import paired, ratio_text  # noqa: E402

CLIENTS, USERS = 25000, 4000
NETWORKS = ['10.0.0.0/8', '172.16.0.0/12']
OWN = ['192.168.56.10', '10.0.0.11', '172.17.0.1', 'fe80::a00:27ff:fe4e:66a1', 'fd00::20', '127.0.0.1', '::1',
       '10.255.0.1']
MIN_IDLE = 600

# The sessions, written once in C (both programs include it): client, user, idle of session i.
SESSIONS_C = r'''
static void session_at(int i, char *client, char *user, long *idle) {
  int a = (int)(((long)i * 7919) %% %(clients)d), u = (int)(((long)i * 31) %% %(users)d);
  switch (a %% 20) {
    case 9: sprintf(client, "\\\\fd00::%%x", a + 1); break;
    case 19: sprintf(client, "\\\\fe80::%%x%%%%12", a + 1); break;
    case 6: case 7: case 16: case 17: sprintf(client, "\\\\172.%%d.%%d.%%d", 16 + (a & 15), (a >> 4) & 255, (a >> 12) + 1); break;
    case 8: case 18: sprintf(client, "\\\\192.168.%%d.%%d", (a >> 8) & 255, a & 255); break;
    default: sprintf(client, "\\\\10.%%d.%%d.%%d", (a >> 12) & 255, (a >> 4) & 255, (a & 15) + 1);
  }
  if (i %% 97 == 0) user[0] = 0;
  else if (i %% 89 == 0) sprintf(user, "HOST%%d$", u %% 50);
  else sprintf(user, "user%%d", u);
  *idle = ((long)i * 13) %% 3600;
}
'''

C = r'''
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sessions.h"

typedef struct { char client[64], user[32]; long idle; } Sess;
typedef struct { char key[100]; int unselected, used, wide, counted; } Slot;
static Slot *table; static size_t slots;

static uint64_t fnv(const char *s) { uint64_t h = 1469598103934665603ULL; while (*s) { h ^= (unsigned char)*s++; h *= 1099511628211ULL; } return h; }
static Slot *slot(const char *key) {   /* open addressing */
  size_t i = fnv(key) & (slots - 1);
  while (table[i].used && strcmp(table[i].key, key)) i = (i + 1) & (slots - 1);
  if (!table[i].used) { table[i].used = 1; strcpy(table[i].key, key); }
  return &table[i];
}
static int parse(const char *text, unsigned char *bytes) {   /* 4, 16 or 0 (a name) */
  char a[64]; size_t n = strcspn(text, "%%"); memcpy(a, text, n); a[n] = 0;
  if (inet_pton(AF_INET, a, bytes) == 1) return 4;
  if (inet_pton(AF_INET6, a, bytes) == 1) return 16;
  return 0;
}
static int in_net(const unsigned char *b, int len, const unsigned char *net, int netlen, int prefix) {
  if (len != netlen) return 0;
  for (int bit = 0; bit < prefix; bit++) { int m = 0x80 >> (bit %% 8); if ((b[bit / 8] & m) != (net[bit / 8] & m)) return 0; }
  return 1;
}

int main(int argc, char **argv) {
  int n = atoi(argv[1]); const char *nets[] = { %(networks)s }; const char *own[] = { %(own)s };
  int nnets = sizeof nets / sizeof *nets, nown = sizeof own / sizeof *own;
  Sess *s = malloc(sizeof *s * n);
  for (int i = 0; i < n; i++) session_at(i, s[i].client, s[i].user, &s[i].idle);
  for (slots = 1; slots < (size_t)n * 2; slots <<= 1) ;
  table = calloc(slots, sizeof *table);
  char (*key)[100] = malloc(100 * (size_t)n); char *state = malloc(n);   /* 0 not a candidate, 1 selected, 2 skipped */
  struct timespec t0, t1, c0, c1; clock_gettime(CLOCK_MONOTONIC, &t0); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  unsigned char netb[8][16], ownb[8][16]; int netlen[8], netpre[8], ownlen[8];
  for (int k = 0; k < nnets; k++) {
    char a[64]; strcpy(a, nets[k]); char *sl = strchr(a, '/'); *sl = 0; netpre[k] = atoi(sl + 1); netlen[k] = parse(a, netb[k]); }
  for (int k = 0; k < nown; k++) ownlen[k] = parse(own[k], ownb[k]);
  for (int i = 0; i < n; i++) {
    const char *c = s[i].client; while (*c == '\\') c++;
    unsigned char b[16]; int len = parse(c, b), hit = 0, mine = 0;
    for (int k = 0; k < nnets && !hit; k++) hit = len && in_net(b, len, netb[k], netlen[k], netpre[k]);
    size_t m = 0; for (; c[m] && c[m] != '%%'; m++) key[i][m] = (char)tolower((unsigned char)c[m]);
    key[i][m++] = '\n'; for (const char *u = s[i].user; *u; u++) key[i][m++] = (char)tolower((unsigned char)*u); key[i][m] = 0;
    if (!hit) { state[i] = 0; continue; }
    for (int k = 0; k < nown && !mine; k++) mine = len == ownlen[k] && !memcmp(b, ownb[k], len);
    size_t ul = strlen(s[i].user);
    state[i] = (mine || (ul && s[i].user[ul - 1] == '$') || s[i].idle < %(min_idle)d) ? 2 : 1;
  }
  /* a pair closes only when all of its sessions are selected */
  for (int i = 0; i < n; i++) if (state[i] != 1 && s[i].user[0]) slot(key[i])->unselected++;
  for (int i = 0; i < n; i++) if (state[i] == 1 && s[i].user[0] && slot(key[i])->unselected) state[i] = 2;
  /* a null session closes client-wide, only when every session of the client is selected */
  char (*ck)[100] = (char (*)[100])key;   /* the client key is the pair key up to its newline */
  char *cut = malloc(n);
  for (int i = 0; i < n; i++) { char *nl = strchr(ck[i], '\n'); cut[i] = nl[1]; nl[1] = 0; }
  for (int i = 0; i < n; i++) if (state[i] != 1) slot(ck[i])->unselected++;
  for (int i = 0; i < n; i++) if (state[i] == 1 && !s[i].user[0]) {
    Slot *c = slot(ck[i]); if (c->unselected) state[i] = 2; else c->wide = 1; }
  int closes = 0, skipped = 0;
  for (int i = 0; i < n; i++) {
    if (state[i] != 1) { skipped += state[i] == 2; continue; }
    Slot *p = slot(ck[i]);
    if (!p->wide) { strchr(ck[i], '\n')[1] = cut[i]; p = slot(key[i]); }
    if (!p->counted) { p->counted = 1; closes++; }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  if (!closes || !skipped) return 2;
  fprintf(stderr, "%%d calls, %%d skipped\n", closes, skipped);
  printf("%%f %%f\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
         (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6); return 0; }
'''

CS = r'''
using System; using System.Collections.Generic; using System.Diagnostics; using System.Runtime.InteropServices;
%(usings)s
static class B {
  [DllImport("sessions")] static extern void session_at(int i, byte[] client, byte[] user, out long idle);
  static string Text(byte[] b) { int n = Array.IndexOf(b, (byte)0); return System.Text.Encoding.ASCII.GetString(b, 0, n); }
  static int Main(string[] a) {
    int n = Int32.Parse(a[0]);
    List<SessionInfo> sessions = new List<SessionInfo>(n);
    byte[] client = new byte[64], user = new byte[32];
    for (int i = 0; i < n; i++) {
      long idle; session_at(i, client, user, out idle);
      sessions.Add(new SessionInfo(Text(client), Text(user), idle)); }
    CloseSelection sel = new CloseSelection();
    sel.Clients = new string[] { %(networks)s }; sel.OwnClients = new string[] { %(own)s };
    sel.MinIdleSeconds = %(min_idle)d;
    Process me = Process.GetCurrentProcess(); TimeSpan cpu = me.TotalProcessorTime;
    Stopwatch w = Stopwatch.StartNew();
    ClosePlan plan = ClosePlanner.Plan(sessions, sel);
    w.Stop(); me.Refresh(); cpu = me.TotalProcessorTime - cpu;
    if (plan.Targets.Count == 0 || plan.Skipped.Count == 0) return 2;
    Console.Error.WriteLine(plan.Targets.Count + " calls, " + plan.Skipped.Count + " skipped");
    Console.WriteLine(w.Elapsed.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " +
      cpu.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    return 0; } }
'''


def _strings(values, quote):
    return ', '.join(quote + v + quote for v in values)


def run(cmd, env):
    """(wall ms, CPU ms of the whole process, GC threads included) of the planning, and what it planned."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        sys.exit('benchmark program failed: %s\n%s%s' % (cmd, proc.stdout, proc.stderr))
    wall, cpu = proc.stdout.split()
    return (float(wall), float(cpu)), proc.stderr.strip()


class Timed:
    """One program as a peer for paired(): returns its CPU ms, keeps (wall, CPU) of every run."""

    def __init__(self, cmd, env, runs):
        self.cmd, self.env, self.runs = cmd, env, runs

    def __call__(self):
        wall_cpu = run(self.cmd, self.env)[0]
        self.runs.append(wall_cpu)
        return wall_cpu[1]


def build_cs(d, name, util_texts, fill):
    """The benchmark program over these C# utils ({file name: text}), using every namespace they declare."""
    mcs = ['mcs', '-langversion:5', '-sdk:4.5-api', '-nologo', '-optimize+']
    (d / name).mkdir()
    utils, usings = [], []
    for util, text in sorted(util_texts.items()):
        (d / name / util).write_text(text, encoding='utf-8')
        utils.append(str(d / name / util))
        usings += ['using %s;' % m.group(1) for m in re.finditer(r'^namespace\s+([\w.]+)', text, re.M)]
    subprocess.check_call(mcs + ['-target:library', '-out:%s' % (d / name / 'LanmanSmbUtils.dll')] + utils)
    (d / name / 'B.cs').write_text(CS % dict(fill, usings='\n'.join(usings)))
    subprocess.check_call(mcs + ['-r:%s' % (d / name / 'LanmanSmbUtils.dll'), '-out:%s' % (d / name / 'B.exe'),
                                 str(d / name / 'B.cs')])
    return d / name / 'B.exe'


def utils_at(rev):
    """The C# utils of plugins/module_utils at a git revision, {file name: text}."""
    names = subprocess.check_output(['git', '-C', str(ROOT), 'ls-tree', '--name-only', rev, 'plugins/module_utils/'],
                                    text=True).split()

    def show(path):
        return subprocess.check_output(['git', '-C', str(ROOT), 'show', '%s:%s' % (rev, path)], text=True)
    return dict((n.rsplit('/', 1)[-1], show(n)) for n in names if n.endswith('.cs'))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--sessions', type=int, default=100000)
    parser.add_argument('--runs', type=int, default=9)
    parser.add_argument('--clients', type=int, default=CLIENTS, help='distinct clients (sessions spread evenly)')
    parser.add_argument('--before', help='a git revision whose C# utils are timed too')
    args = parser.parse_args()
    fill = {'networks': _strings(NETWORKS, '"'), 'own': _strings(OWN, '"'), 'min_idle': MIN_IDLE}
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        sessions_c = SESSIONS_C % {'clients': args.clients, 'users': USERS}
        (d / 'sessions.h').write_text('#include <stdio.h>\n' + sessions_c)
        # The C# program reads the same sessions from the same C code, through a shared library.
        (d / 'lib.c').write_text('#include <stdio.h>\n#define session_at session_at_static\n' + sessions_c +
                                 '#undef session_at\nvoid session_at(int i, char *c, char *u, long *idle) '
                                 '{ session_at_static(i, c, u, idle); }\n')
        subprocess.check_call(['gcc', '-shared', '-fPIC', '-O2', '-o', str(d / 'libsessions.so'), str(d / 'lib.c')])
        (d / 'plan.c').write_text(C % fill)
        subprocess.check_call(['gcc', '-O2', '-o', str(d / 'plan'), str(d / 'plan.c')])
        current = dict((p.name, p.read_text(encoding='utf-8')) for p in (ROOT / 'plugins' / 'module_utils').glob('*.cs'))
        peers = [('after', build_cs(d, 'after', current, fill))]
        if args.before:
            peers.append(('before %s' % args.before, build_cs(d, 'before', utils_at(args.before), fill)))
        env = dict(os.environ, LD_LIBRARY_PATH=str(d))
        n = str(args.sessions)
        print('Planning a close of %d sessions (%d clients, %d users; selectors %s; %d own addresses; '
              'min_idle_seconds %d); C planner and C# ClosePlanner interleaved, %d pairs each; wall and CPU '
              'time of the planning measured inside each process (CPU: the whole process, GC threads included)'
              % (args.sessions, args.clients, USERS, ' '.join(NETWORKS), len(OWN), MIN_IDLE, args.runs))
        print('C: %s; C#: %s' % (run([str(d / 'plan'), n], env)[1], run(['mono', str(peers[0][1]), n], env)[1]))
        for name, exe in peers[1:]:
            print('C# %s: %s' % (name, run(['mono', str(exe), n], env)[1]))
        print('%-22s %-6s %10s %10s %14s %24s'
              % ('C# code', 'time', 'C ms', 'C# ms', 'C# us/session', 'C#/C median (min-max)'))
        for name, exe in peers:
            c_runs, cs_runs = [], []
            cpu = paired(Timed([str(d / 'plan'), n], env, c_runs), Timed(['mono', str(exe), n], env, cs_runs),
                         args.runs, self_timed=True)
            ratios = sorted(cs[0] / c[0] for c, cs in zip(c_runs, cs_runs))
            wall = {'a_ms': statistics.median(t[0] for t in c_runs), 'b_ms': statistics.median(t[0] for t in cs_runs),
                    'ratio': statistics.median(ratios), 'ratio_min': ratios[0], 'ratio_max': ratios[-1]}
            for label, r in (('CPU', cpu), ('wall', wall)):
                print('%-22s %-6s %10.1f %10.1f %14.2f %24s'
                      % (name, label, r['a_ms'], r['b_ms'], r['b_ms'] * 1000.0 / args.sessions, ratio_text(r)))


if __name__ == '__main__':
    main()
