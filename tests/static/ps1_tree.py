"""Read PowerShell modules without PowerShell: parse with tree-sitter-powershell and turn the
`$spec = @{ ... }` hashtable into Python data (literals only: what module specs use)."""
import re

import tree_sitter_powershell
from tree_sitter import Language, Parser

_PARSER = Parser(Language(tree_sitter_powershell.language()))


def parse(source):
    return _PARSER.parse(source if isinstance(source, bytes) else source.encode('utf-8'))


def syntax_errors(source):
    """(line, column, what) for every ERROR / MISSING node."""
    tree = parse(source)
    found = []

    def walk(node):
        if node.type == 'ERROR' or node.is_missing:
            found.append((node.start_point[0] + 1, node.start_point[1] + 1,
                          'missing %s' % node.type if node.is_missing else 'syntax error'))
        for child in node.children:
            walk(child)
    walk(tree.root_node)
    return found


def _text(node):
    return node.text.decode('utf-8')


def _hash_entries(node):
    """hash_entry nodes of this hashtable, not of hashtables nested in it."""
    for child in node.named_children:
        if child.type == 'hash_entry':
            yield child
        elif child.type != 'hash_literal_expression':
            yield from _hash_entries(child)


def value(node):
    kind = node.type
    if kind == 'hash_literal_expression':
        result = {}
        for entry in _hash_entries(node):
            key = next(c for c in entry.named_children if c.type == 'key_expression')
            val = [c for c in entry.named_children if c.type != 'key_expression'][-1]
            result[_text(key).strip('\'"')] = value(val)
        return result
    if kind in ('string_literal', 'verbatim_string_characters', 'expandable_string_literal'):
        return _text(node)[1:-1]
    if kind in ('integer_literal', 'decimal_integer_literal'):
        return int(_text(node))
    if kind == 'variable':
        name = _text(node).lower()
        if name in ('$true', '$false', '$null'):
            return {'$true': True, '$false': False, '$null': None}[name]
        raise ValueError('variable %s in a spec literal' % _text(node))
    named = node.named_children
    if kind == 'array_expression':  # @( ... )
        items = []
        for child in named:
            v = value(child)
            items.extend(v if isinstance(v, list) else [v])
        return items
    if kind == 'array_literal_expression' and len(named) > 1:
        return [value(c) for c in named]
    if len(named) == 1:
        return value(named[0])
    if not named:
        return []  # @() : an empty statement list
    raise ValueError('cannot read %s: %r' % (kind, _text(node)[:60]))


def read_spec(source, variable='$spec'):
    tree = parse(source)

    def find(node):
        if node.type == 'assignment_expression' and _text(node).startswith(variable):
            return node
        for child in node.children:
            hit = find(child)
            if hit is not None:
                return hit
        return None
    assignment = find(tree.root_node)
    if assignment is None:
        raise ValueError('no %s assignment' % variable)
    return value(assignment.named_children[-1])


AUTOMATIC = {'$_', '$args', '$true', '$false', '$null', '$psitem', '$input', '$error', '$matches', '$lastexitcode',
             '$pscmdlet', '$psboundparameters', '$host', '$this'}


def unassigned_variables(source):
    """Variables read but never assigned: Set-StrictMode -Version 2.0 (what Ansible's
    PowerShell modules run under) makes reading them a terminating error."""
    source = source if isinstance(source, bytes) else source.encode('utf-8')
    tree = parse(source)
    assigned, used = set(), {}

    def name(node):
        text = _text(node).lower()
        return None if ':' in text else text  # $env:X, $script:X ... are scoped, not ours

    def walk(node):
        if node.type == 'assignment_expression':
            target = node.named_children[0]
            # only `$x = ...` or `[type]$x = ...` assigns; `$x.Prop = ...` reads $x
            if re.match(r'^(\[[^\]]+\]\s*)*\$[\w:]+$', _text(target).strip()):
                for var in _variables(target):
                    assigned.add(name(var))
        elif node.type in ('foreach_statement', 'parameter', 'script_parameter'):
            for child in node.named_children:
                for var in ([child] if child.type == 'variable' else []):
                    assigned.add(name(var))
        escaped = node.start_byte > 0 and source[node.start_byte - 1:node.start_byte] == b'`'
        if node.type == 'variable' and not escaped:  # `$x in a string is literal text
            used.setdefault(name(node), node.start_point[0] + 1)
        for child in node.children:
            walk(child)
    walk(tree.root_node)
    return sorted((line, var) for var, line in used.items()
                  if var and var not in assigned and var not in AUTOMATIC)


def _variables(node):
    if node.type == 'variable':
        return [node]
    found = []
    for child in node.named_children:
        found.extend(_variables(child))
    return found
