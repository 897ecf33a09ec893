"""C# 6+ features that `mcs -langversion:5` lets through but Windows PowerShell 5.1's csc
rejects (measured: getter-only auto-properties, await in catch/finally), plus a few cheap
checks of the rest as a second line of defence. Usage: python csharp5_lint.py FILE..."""
import re
import sys

RULES = [
    (re.compile(r'\{\s*get\s*;\s*\}'), 'getter-only auto-property (C# 6)'),
    (re.compile(r'\{\s*get\s*;\s*(private\s+)?set\s*;\s*\}\s*=\s*[^;]+;'), 'auto-property initialiser (C# 6)'),
    (re.compile(r'\$"'), 'string interpolation (C# 6)'),
    (re.compile(r'\?\.[A-Za-z_]|\?\['), 'null-conditional operator (C# 6)'),
    (re.compile(r'\bnameof\s*\('), 'nameof (C# 6)'),
    (re.compile(r'\bcatch\b[^{]*\)\s*when\s*\('), 'exception filter (C# 6)'),
    (re.compile(r'\busing\s+static\b'), 'using static (C# 6)'),
    (re.compile(r'\bout\s+var\b'), 'out var (C# 7)'),
    (re.compile(r'Array\.Empty\s*<'), 'Array.Empty<T> (.NET 4.6)'),
]
_CATCH_AWAIT = re.compile(r'\b(catch|finally)\b[^{]*\{(?:[^{}]|\{[^{}]*\})*\bawait\b', re.S)


def strip_comments_and_strings(text):
    text = re.sub(r'//[^\n]*', '', text)
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'@"(?:[^"]|"")*"', '""', text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def matches_by_line(code, rules):
    """'line N: what' for each match of each (compiled pattern, what) rule in code."""
    return ['line %d: %s' % (code.count('\n', 0, m.start()) + 1, what)
            for pattern, what in rules for m in pattern.finditer(code)]


def lint(text):
    return matches_by_line(strip_comments_and_strings(text), RULES + [(_CATCH_AWAIT, 'await in catch/finally (C# 6)')])


def main(check, paths):
    """Print 'PATH: problem' for every problem check(text) finds; exit status 1 if there is any."""
    bad = 0
    for path in paths:
        for problem in check(open(path, encoding='utf-8').read()):
            print('%s: %s' % (path, problem))
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main(lint, sys.argv[1:])
