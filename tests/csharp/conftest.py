"""The runtimes the C# test programs run on, as the `runtime` fixture: Mono, and CoreCLR (the
runtime family of PowerShell 7: .NET Core 3.1 from PyPI's dotnetcore2, which runs the
mcs-built assemblies unchanged). Every test that takes `runtime` runs once on each, with the
runtime in its id. Both run with the same controlled resolver (RESOLVER_HOSTS)."""
import ctypes
import ctypes.util
import importlib.util
import os
import pathlib
import platform
import re
import socket
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent

# Answers the resolver gives on every runtime (nss_wrapper; other names go to the system's
# resolver). ResolverTests.cs holds what ResolveClient must make of each: a runtime's spelling
# of an address must not reach a selector. nss_wrapper reads no comments in this file.
RESOLVER_HOSTS = [
    '::ffff:10.1.2.3 mapped.lanman.test',
    'FD00:0:0:0:0:0:0:7 v6.lanman.test',
    'fe80::5 linklocal.lanman.test',
    '10.9.8.7 canon.lanman.test alias.lanman.test',
    '10.9.8.8 pair.lanman.test',
    'fd00::8 pair.lanman.test',
    '10.9.8.8 samepair.lanman.test',
    '10.9.8.8 samepair.lanman.test',
]
# This host under a canonical name its resolver gives (Windows' .NET reports the FQDN so).
HOST_FQDN = socket.gethostname() + '.corp.lanman.test'

# C# tests a runtime cannot run, printed by the test program as "SKIP <name>: <why>".
SKIPS = {
    # Mono answers Dns.GetHostEntry(<this host's name>) from its own interfaces, never with the
    # resolver's canonical name: the FQDN rule can only be seen on CoreCLR (and Windows).
    'mono': ["this host's canonical name from the resolver is local"],
    'coreclr': [],
}


class Runtime:
    def __init__(self, name, prefix, env):
        self.name, self.prefix, self.env, self.skips = name, prefix, env, SKIPS[name]

    def command(self, exe, env):
        """The command line that runs exe; adds to env what this runtime needs."""
        paths = [self.env.get('LD_LIBRARY_PATH'), env.get('LD_LIBRARY_PATH')]
        env.update(self.env)
        env['LD_LIBRARY_PATH'] = os.pathsep.join(p for p in paths if p)
        if self.name == 'mono':
            return self.prefix + [str(exe)]
        # CoreCLR keeps the .dll of DllImport("netapi32.dll") when probing; Mono maps it to libnetapi32.so.
        alias = exe.parent / 'netapi32.dll.so'
        if not alias.exists():
            alias.symlink_to('libnetapi32.so')
        config = exe.with_suffix('.runtimeconfig.json')
        config.write_text('{"runtimeOptions": {"tfm": "netcoreapp3.1", "framework": '
                          '{"name": "Microsoft.NETCore.App", "version": "3.1.0"}}}\n', encoding='utf-8')
        return self.prefix + ['exec', '--runtimeconfig', str(config), str(exe)]


def _gcc(*args):
    proc = subprocess.run(['gcc'] + list(args), check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, 'gcc %s failed:\n%s%s' % (' '.join(args), proc.stdout, proc.stderr)


def _coreclr(directory):
    """The dotnet host of the dotnetcore2 wheel and what it needs on Debian 12: the ICU major
    version (it only looks for the versions it knew of), and a libssl.so.1.1 where only
    OpenSSL 3 is installed (coreclr/libssl11_shim.c)."""
    if not (sys.platform.startswith('linux') and platform.machine() == 'x86_64'):
        pytest.skip('coreclr: the dotnetcore2 wheel carries .NET Core for Linux x86_64 only')
    spec = importlib.util.find_spec('dotnetcore2')
    if spec is None:
        pytest.fail('coreclr: the dotnetcore2 package is missing: run scripts/setup.sh')
    dotnet = pathlib.Path(spec.origin).parent / 'bin' / 'dotnet'
    icu = re.match(r'libicuuc\.so\.(\d+)', ctypes.util.find_library('icuuc') or '')
    if icu is None:
        pytest.fail('coreclr: no ICU library (libicuuc.so.N) found: install libicu (run scripts/setup.sh)')
    env = {'CLR_ICU_VERSION_OVERRIDE': icu.group(1), 'DOTNET_CLI_TELEMETRY_OPTOUT': '1'}
    try:
        ctypes.CDLL('libssl.so.1.1')
    except OSError:
        _gcc('-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-Wl,-soname,libssl.so.1.1', '-Wl,--no-as-needed',
             '-o', str(directory / 'libssl.so.1.1'), str(HERE / 'coreclr' / 'libssl11_shim.c'),
             '-l:libssl.so.3', '-l:libcrypto.so.3')
        env['LD_LIBRARY_PATH'] = str(directory)
    return [str(dotnet)], env


@pytest.fixture(scope='session', params=['mono', 'coreclr'])
def runtime(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(request.param)
    wrapper = ctypes.util.find_library('nss_wrapper')
    if wrapper is None:
        pytest.fail('libnss_wrapper is missing: run scripts/setup.sh')
    hosts = directory / 'hosts'
    hosts.write_text('\n'.join(RESOLVER_HOSTS + ['127.0.1.1 %s %s' % (HOST_FQDN, socket.gethostname())]) + '\n',
                     encoding='utf-8')
    env = {'LD_PRELOAD': wrapper, 'NSS_WRAPPER_HOSTS': str(hosts), 'LANMAN_HOST_FQDN': HOST_FQDN}
    if request.param == 'mono':
        prefix = ['mono', '--debug']
    else:
        prefix, extra = _coreclr(directory)
        env.update(extra)
    return Runtime(request.param, prefix, env)
