"""Finds C# that PowerShell 7 cannot compile although Windows PowerShell 5.1 can.

PowerShell 7 compiles a module util with Roslyn against .NET 5+ and ansible-core's
Add-CSharpType (lib/ansible/module_utils/powershell/Ansible.ModuleUtils.AddType.psm1) turns
every warning into an error (WithGeneralDiagnosticOption(Error)); it defines CORECLR,
WINDOWS and AMD64 (or X86), and `//NoWarn -Name ID [-CLR Core]` suppresses one diagnostic.
So an API that .NET 5+ marks [Obsolete] (SYSLIB0001-SYSLIB0060) or a .NET-Framework-only
type breaks the module unless it sits in an `#if` branch PowerShell 7 does not compile.

The SYSLIB table: Microsoft, "Obsolete features in .NET 5+"
(https://learn.microsoft.com/dotnet/fundamentals/syslib-diagnostics/obsoletions-overview)
and the per-ID pages it links (e.g. syslib0004 lists the CER types); the same IDs and
descriptions are in dotnet/runtime docs/project/list-of-diagnostics.md. Usage:
python dotnet_obsolete_check.py FILE...
"""
import re
import sys

from csharp5_lint import main, matches_by_line, strip_comments_and_strings

# PowerShell 7 on 64-bit Windows, as Add-CSharpType defines them.
CORECLR_SYMBOLS = frozenset(['CORECLR', 'WINDOWS', 'AMD64'])

# (SYSLIB id, pattern over code without comments and strings, what it is)
OBSOLETE = [
    ('SYSLIB0001', r'\bUTF7Encoding\b|\bEncoding\s*\.\s*UTF7\b', 'UTF-7 encoding'),
    ('SYSLIB0002', r'\bPrincipalPermission(Attribute)?\b', 'PrincipalPermissionAttribute'),
    ('SYSLIB0003', r'\bSystem\s*\.\s*Security\s*\.\s*Permissions\b|\b(Security|FileIO|Registry|Reflection|Environment|UI|'
                   r'KeyContainer|Store|DataProtection|IsolatedStorageFile)Permission(Attribute)?\b|\bPermissionSet(Attribute)?\b|'
                   r'\bCodeAccessPermission\b|\bCodeAccessSecurityAttribute\b|\bHostProtection(Attribute)?\b|\bSecurityAction\b|'
                   r'\b(Get|Set)CompressedStack\b', 'Code Access Security'),
    ('SYSLIB0004', r'\bReliabilityContract(Attribute)?\b|\bPrePrepareMethod(Attribute)?\b|\bCer\s*\.\s*\w|\bConsistency\s*\.\s*\w|'
                   r'\bPrepareConstrainedRegions(NoOP)?\b|\bPrepareContractedDelegate\b|\bProbeForSufficientStack\b|'
                   r'\bExecuteCodeWithGuaranteedCleanup\b|\bSystem\s*\.\s*Runtime\s*\.\s*ConstrainedExecution\s*\.\s*(Cer|Consistency|'
                   r'ReliabilityContract|PrePrepareMethod)', 'constrained execution regions (CER)'),
    ('SYSLIB0005', r'\bGlobalAssemblyCache\b', 'the Global Assembly Cache'),
    ('SYSLIB0006', r'\.\s*Abort\s*\(\s*\)|\bResetAbort\b', 'Thread.Abort'),
    ('SYSLIB0007', r'\b(HashAlgorithm|SymmetricAlgorithm|AsymmetricAlgorithm|KeyedHashAlgorithm|HMAC)\s*\.\s*Create\s*\(\s*\)',
     'default cryptography algorithm factory'),
    ('SYSLIB0008', r'\bCreatePdbGenerator\b', 'DebugInfoGenerator.CreatePdbGenerator'),
    ('SYSLIB0009', r'\bAuthenticationManager\b', 'AuthenticationManager'),
    ('SYSLIB0010', r'\b(InitializeLifetimeService|GetLifetimeService|CreateObjRef)\b', '.NET Remoting'),
    ('SYSLIB0011', r'\bBinaryFormatter\b|\bIFormatter\b|\bSerializeObjectState\b', 'BinaryFormatter serialization'),
    ('SYSLIB0012', r'\.\s*(Escaped)?CodeBase\b', 'Assembly.CodeBase / EscapedCodeBase'),
    ('SYSLIB0013', r'\bEscapeUriString\b', 'Uri.EscapeUriString'),
    ('SYSLIB0014', r'\b(Http|Ftp|File)?WebRequest\b|\bWebClient\b|\bServicePoint(Manager)?\b', 'WebRequest / WebClient'),
    ('SYSLIB0015', r'\bDisablePrivateReflection(Attribute)?\b', 'DisablePrivateReflectionAttribute'),
    ('SYSLIB0016', r'\bGetContextInfo\s*\(\s*\)', 'Graphics.GetContextInfo()'),
    ('SYSLIB0017', r'\bStrongNameKeyPair\b|\.\s*KeyPair\b', 'strong-name signing'),
    ('SYSLIB0018', r'\bReflectionOnly(Load|LoadFrom|GetType)\b', 'ReflectionOnly loading'),
    ('SYSLIB0019', r'\bSystemConfigurationFile\b|\bGetRuntimeInterfaceAs(IntPtr|Object)\b', 'RuntimeEnvironment members'),
    ('SYSLIB0020', r'\bIgnoreNullValues\b', 'JsonSerializerOptions.IgnoreNullValues'),
    ('SYSLIB0021', r'\b(SHA1|SHA256|SHA384|SHA512)Managed\b|\b(MD5|SHA1|SHA256|SHA384|SHA512|Aes|DES|TripleDES|RC2)'
                   r'CryptoServiceProvider\b|\bAesManaged\b|\bRNGCng\b', 'derived cryptographic types'),
    ('SYSLIB0022', r'\bRijndael(Managed)?\b', 'Rijndael / RijndaelManaged'),
    ('SYSLIB0023', r'\bRNGCryptoServiceProvider\b', 'RNGCryptoServiceProvider'),
    ('SYSLIB0024', r'\bAppDomain\s*\.\s*(CreateDomain|Unload)\b', 'creating and unloading AppDomains'),
    ('SYSLIB0025', r'\bSuppressIldasm(Attribute)?\b', 'SuppressIldasmAttribute'),
    ('SYSLIB0026', r'\bnew\s+X509Certificate2?\s*\(\s*\)', 'mutable X509Certificate (parameterless constructor)'),
    ('SYSLIB0027', r'\bPublicKey\s*\.\s*Key\b', 'PublicKey.Key'),
    ('SYSLIB0028', r'\.\s*PrivateKey\b', 'X509Certificate2.PrivateKey'),
    ('SYSLIB0029', r'\bProduceLegacyHmacValues\b', 'ProduceLegacyHmacValues'),
    ('SYSLIB0030', r'\bnew\s+HMACSHA1\s*\([^)]*,', 'HMACSHA1(key, useManagedSha1)'),
    ('SYSLIB0031', r'\bEncodeOID\b', 'CryptoConfig.EncodeOID'),
    ('SYSLIB0032', r'\bHandleProcessCorruptedStateExceptions(Attribute)?\b', 'corrupted state exception handling'),
    ('SYSLIB0033', r'\bCryptDeriveKey\b', 'Rfc2898DeriveBytes.CryptDeriveKey'),
    ('SYSLIB0034', r'\bnew\s+CmsSigner\s*\(\s*(new\s+)?CspParameters\b', 'CmsSigner(CspParameters)'),
    ('SYSLIB0035', r'\bComputeCounterSignature\s*\(\s*\)', 'ComputeCounterSignature()'),
    ('SYSLIB0036', r'\bCompileToAssembly\b', 'Regex.CompileToAssembly'),
    ('SYSLIB0037', r'\.\s*(ProcessorArchitecture|VersionCompatibility)\b', 'AssemblyName members'),
    ('SYSLIB0038', r'\bSerializationFormat\s*\.\s*Binary\b', 'SerializationFormat.Binary'),
    ('SYSLIB0039', r'\bSslProtocols\s*\.\s*(Tls|Tls11)\b', 'TLS 1.0 / 1.1'),
    ('SYSLIB0040', r'\bEncryptionPolicy\s*\.\s*(NoEncryption|AllowEncryption)\b', 'EncryptionPolicy without encryption'),
    ('SYSLIB0041', r'\bnew\s+Rfc2898DeriveBytes\s*\(', 'Rfc2898DeriveBytes default hash and iterations'),
    ('SYSLIB0042', r'\b(ToXmlString|FromXmlString)\b', 'ECC ToXmlString / FromXmlString'),
    ('SYSLIB0043', r'\bECDiffieHellmanPublicKey\b', 'ECDiffieHellmanPublicKey.ToByteArray'),
    ('SYSLIB0044', r'\bAssemblyName\b[^;]*\.\s*(Escaped)?CodeBase\b', 'AssemblyName.CodeBase'),
    ('SYSLIB0045', r'\b(HashAlgorithm|SymmetricAlgorithm|AsymmetricAlgorithm|KeyedHashAlgorithm|HMAC|Aes|DES|RSA|DSA|ECDsa|'
                   r'ECDiffieHellman|MD5|SHA1|SHA256|SHA384|SHA512|RandomNumberGenerator|TripleDES|RC2)\s*\.\s*Create\s*\(\s*\w',
     'cryptographic factory taking an algorithm name'),
    ('SYSLIB0046', r'\bControlledExecution\b', 'ControlledExecution.Run'),
    ('SYSLIB0047', r'\bXmlSecureResolver\b', 'XmlSecureResolver'),
    ('SYSLIB0048', r'\b(EncryptValue|DecryptValue)\b', 'RSA.EncryptValue / DecryptValue'),
    ('SYSLIB0049', r'\.\s*AddContext\s*<', 'JsonSerializerOptions.AddContext'),
    ('SYSLIB0050', r'\bFormatterServices\b|\bObjectIDGenerator\b|\bObjectManager\b|\bSurrogateSelector\b|\bISurrogateSelector\b|'
                   r'\bISerializationSurrogate\b|\bFormatterConverter\b|\.\s*IsSerializable\b', 'formatter-based serialization'),
    ('SYSLIB0051', r'\bGetObjectData\s*\(\s*SerializationInfo\b|\(\s*SerializationInfo\s+\w+\s*,\s*StreamingContext\s+\w+\s*\)\s*:\s*base',
     'legacy serialization support (serialization constructor / GetObjectData override)'),
    ('SYSLIB0052', r'\bRegexRunner(Factory)?\b', 'Regex extensibility'),
    ('SYSLIB0053', r'\bnew\s+AesGcm\s*\(\s*[^,()]+\)', 'AesGcm without a tag size'),
    ('SYSLIB0054', r'\bVolatile(Read|Write)\b', 'Thread.VolatileRead / VolatileWrite'),
    ('SYSLIB0055', r'\bMultiplyRoundedDoublingSaturateHighScalar\b|\bShiftRightArithmeticRoundedNarrowingSaturateUnsigned\w*\b',
     'ARM AdvSimd signed saturating narrow'),
    ('SYSLIB0056', r'\bLoadFrom\s*\([^;]*AssemblyHashAlgorithm\b', 'Assembly.LoadFrom with a hash algorithm'),
    ('SYSLIB0057', r'\bnew\s+X509Certificate2?\s*\(\s*[^)\s]|\bX509Certificate2Collection\b[^;]*\.\s*Import\s*\(',
     'loading certificates through a constructor or Import'),
    ('SYSLIB0058', r'\.\s*(KeyExchangeAlgorithm|KeyExchangeStrength|CipherAlgorithm|CipherStrength|HashStrength)\b',
     'SslStream cipher properties'),
    ('SYSLIB0059', r'\bEventsThreadShutdown\b', 'SystemEvents.EventsThreadShutdown'),
    ('SYSLIB0060', r'\bnew\s+Rfc2898DeriveBytes\s*\(', 'Rfc2898DeriveBytes constructors'),
]

# Types .NET 5+ does not have at all (an error, not a warning), and Framework-only namespaces.
FRAMEWORK_ONLY = [
    (r'\bSystem\s*\.\s*Runtime\s*\.\s*Remoting\b', '.NET Remoting (not in .NET 5+)'),
    (r'\bSystem\s*\.\s*EnterpriseServices\b', 'COM+ EnterpriseServices (not in .NET 5+)'),
    (r'\bSystem\s*\.\s*Web\s*\.\s*(UI|Hosting|Services)\b', 'ASP.NET / System.Web (not in .NET 5+)'),
    (r'\bSystem\s*\.\s*Workflow\b', 'Windows Workflow Foundation (not in .NET 5+)'),
    (r'\bSystem\s*\.\s*Data\s*\.\s*OracleClient\b', 'System.Data.OracleClient (not in .NET 5+)'),
    (r'\bAppDomainSetup\b|\bAppDomainManager\b', 'AppDomain configuration (Framework only)'),
    (r'\bSecurityManager\s*\.\s*\w|\bSecurityRulesAttribute\b|\bSecurityRules\s*\(', 'Framework security model'),
]

_NOWARN = re.compile(r'//\s*NoWarn\s+-Name\s+(?P<name>[\w\d]*)(\s+-CLR\s+(?P<clr>Core|Framework))?')
_DIRECTIVE = re.compile(r'^\s*#\s*(if|elif|else|endif)\b(.*)$')


def _evaluate(expression, symbols):
    """A C# preprocessor condition: symbols, true/false, !, &&, ||, ==, != and parentheses."""
    tokens = re.findall(r'\|\||&&|==|!=|!|\(|\)|\w+', expression.split('//')[0])
    pos = [0]

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None

    def take():
        pos[0] += 1
        return tokens[pos[0] - 1]

    def primary():
        token = take()
        if token == '!':
            return not primary()
        if token == '(':
            value = disjunction()
            take()
            return value
        if token in ('true', 'false'):
            return token == 'true'
        return token in symbols

    # One loop per precedence level: == and != bind tighter than &&, && tighter than ||.
    # The right operand is always parsed (no short cut), so every token is consumed.
    combine = {'==': lambda a, b: a == b, '!=': lambda a, b: a != b,
               '&&': lambda a, b: a and b, '||': lambda a, b: a or b}

    def level(operators, operand):
        def parse():
            value = operand()
            while peek() in operators:
                op = take()
                value = combine[op](value, operand())
            return value
        return parse

    def disjunction():
        return level(('||',), level(('&&',), level(('==', '!='), primary)))()

    return disjunction()


def active_code(text, symbols=CORECLR_SYMBOLS):
    """The lines the compiler sees with these symbols defined; other lines become blank."""
    out = []
    stack = []   # (this branch active, some branch of this #if already taken, parent active)
    active = True
    for line in text.split('\n'):
        m = _DIRECTIVE.match(line)
        if m:
            kind, rest = m.group(1), m.group(2)
            if kind == 'if':
                value = _evaluate(rest, symbols)
                stack.append((active, value))
                active = active and value
            elif kind == 'elif':
                parent, taken = stack[-1]
                value = not taken and _evaluate(rest, symbols)
                stack[-1] = (parent, taken or value)
                active = parent and value
            elif kind == 'else':
                parent, taken = stack[-1]
                stack[-1] = (parent, True)
                active = parent and not taken
            else:
                active = stack.pop()[0]
            out.append('')
            continue
        out.append(line if active else '')
    return '\n'.join(out)


def problems(text, symbols=CORECLR_SYMBOLS):
    """'line N: SYSLIBxxxx what' for every obsolete API and 'line N: what' for every
    Framework-only construct that PowerShell 7 would compile."""
    suppressed = set(m.group('name') for m in _NOWARN.finditer(text) if m.group('clr') in (None, 'Core'))
    rules = [(re.compile(pattern), '%s %s' % (diag, what)) for diag, pattern, what in OBSOLETE if diag not in suppressed]
    rules += [(re.compile(pattern), what) for pattern, what in FRAMEWORK_ONLY]
    found = matches_by_line(strip_comments_and_strings(active_code(text, symbols)), rules)
    return sorted(set(found), key=lambda line: (int(line.split()[1].rstrip(':')), line))


if __name__ == '__main__':
    main(problems, sys.argv[1:])
