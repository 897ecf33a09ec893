#!/usr/bin/env bash
# Gate: ansible-lint, production profile, over every playbook, role and integration target
# in the repository (.ansible-lint). Runs with a private HOME: ansible-lint installs the
# collection under test into ~/.ansible, which must not be the real home.
source "$(dirname "$0")/common.sh"
export HOME="$ROOT/.cache/lint-home"
mkdir -p "$HOME/collections/ansible_collections/lanman"
ln -sfn "$ROOT" "$HOME/collections/ansible_collections/lanman/smb"
export ANSIBLE_COLLECTIONS_PATH="$HOME/collections"
cd "$ROOT" || exit 1
ansible-lint --offline -q
echo "ansible-lint (production profile): playbooks, roles and targets clean"

# The EXAMPLES of every module, each wrapped in a play, must pass the same profile.
EXAMPLES_DIR="$ROOT/playbooks/.examples-lint"
at_exit "rm -rf '$EXAMPLES_DIR'"
rm -rf "$EXAMPLES_DIR" && mkdir -p "$EXAMPLES_DIR"
# shellcheck disable=SC2046  # one argument per module
python - "$EXAMPLES_DIR" $(module_fqcns) <<'PY'
import json, pathlib, subprocess, sys, yaml
out = pathlib.Path(sys.argv[1])


class Indented(yaml.SafeDumper):  # yamllint wants indented sequences
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


# Every module of the checkout (module_fqcns in common.sh), so a new module cannot be missed.
fqcns = sys.argv[2:]
docs = json.loads(subprocess.check_output(['ansible-doc', '--json'] + fqcns))
for fqcn in fqcns:
    name = fqcn.split('.')[-1]
    tasks = yaml.safe_load(docs[fqcn]['examples'])
    play = [{'name': 'Examples of %s' % fqcn, 'hosts': 'fileservers', 'gather_facts': False, 'tasks': tasks}]
    (out / ('%s.yml' % name)).write_text('---\n' + yaml.dump(play, Dumper=Indented, sort_keys=False, width=200))
PY
ansible-lint --offline -q "$EXAMPLES_DIR"/*.yml
echo "ansible-lint (production profile): module EXAMPLES clean"
