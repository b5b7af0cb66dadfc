#!/usr/bin/env python3
"""Checks the includes of the product code against docs/DESIGN.md's "who may
include whom" table (the fenced block after that heading): a file follows the
most specific row naming its folder and may include its own folder and the
folders listed there. Every `#include "..."` of the tree must name a tracked
file by its path from the source root (tests and benchmarks may also name a
file of their own folder or of tests/common, which their targets put on the
include path); generated files (*.moc, ui_*.h) are exempt. Prints each
problem with its file and line; exits 1 if any.

    check_layers.py              check the tree
    check_layers.py --selftest   check the checker against a made-up tree

Run by CTest as check_layers."""
import os, re, subprocess, sys

PRODUCT = ('app', 'chat', 'host', 'models', 'net', 'session', 'ui')
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
GENERATED_RE = re.compile(r'(\.moc|^ui_\w+\.h)$')


def read_rules(design):
    """{folder/: [allowed folder/, ...]} from the table in DESIGN.md's text."""
    at = design.find('**Who may include whom.**')
    if at < 0:
        raise ValueError('docs/DESIGN.md has no "Who may include whom" paragraph')
    block = re.search(r'^```\n(.*?)^```', design[at:], re.M | re.S)
    if not block:
        raise ValueError('the "Who may include whom" paragraph has no table')
    rules = {}
    for line in block.group(1).splitlines()[1:]:  # the first line is the header
        fields = line.split()
        if not fields:
            continue
        folder, allowed = fields[0], [f for f in fields[1:] if f != '-']
        if not folder.endswith('/') or any(not f.endswith('/') for f in allowed):
            raise ValueError(f'the table row "{line}" does not name folders (ending in /)')
        rules[folder] = allowed
    return rules


def row_for(path, rules):
    """The most specific row naming a folder that holds `path`."""
    rows = [folder for folder in rules if path.startswith(folder)]
    return max(rows, key=len) if rows else None


def problems(texts, tracked, rules):
    """texts: {path: file text}; tracked: every tracked path."""
    found = []
    for path, text in sorted(texts.items()):
        top = path.split('/')[0]
        row = row_for(path, rules) if top in PRODUCT else None
        if top in PRODUCT and row is None:
            found.append(f'{path}:1: its folder is not in docs/DESIGN.md\'s "who may include whom" table')
        for m in INCLUDE_RE.finditer(text):
            line = text.count('\n', 0, m.start()) + 1
            name = m.group(1)
            if GENERATED_RE.search(name):
                continue
            if name not in tracked:
                here = os.path.join(os.path.dirname(path), name)
                local = top in ('tests', 'bench') and (here in tracked or f'tests/common/{name}' in tracked)
                if not local:
                    found.append(f'{path}:{line}: includes "{name}", which is no path from the source root')
                continue
            if row is None or name.startswith(row):
                continue
            allowed = rules[row]
            if not any(name.startswith(folder) for folder in allowed):
                found.append(f'{path}:{line}: includes {name}, but {row} may include only '
                             f'{" ".join([row] + allowed)}')
    return found


SELFTEST_DESIGN = '''**Who may include whom.** Made up for the self-test:

```
folder          may include
app/            ui/ net/
ui/             net/
net/            -
net/console/    net/
net/base/       -
```
'''

SELFTEST_FILES = {
    'app/main.cpp': '#include "ui/window.h"\n#include "net/base/b.h"\n#include "main.moc"\n',
    'ui/window.h': '#include "net/console/c.h"\n',
    'ui/window.cpp': '#include "ui/window.h"\n#include "ui_window.h"\n',
    'net/console/c.h': '#include "net/base/b.h"\n',
    'net/base/b.h': '#include <QString>\n',
    'tests/tst_c.cpp': '#include "net/console/c.h"\n#include "helpers.h"\n#include "tst_c.moc"\n',
    'tests/common/helpers.h': '',
    # The bad cases, each announced by its expected problem.
    'net/base/bad.h': '#include "net/console/c.h"\n',    # a leaf reaching up
    'net/console/bad.cpp': '#include "ui/window.h"\n',   # net reaching into ui
    'ui/bare.cpp': '#include "window.h"\n',              # not from the source root
    'ui/missing.cpp': '#include "ui/nothere.h"\n',       # no such file
    'models/x.cpp': '#include "net/base/b.h"\n',         # a folder the table lacks
    'tests/bad.cpp': '#include "nowhere.h"\n',           # not even local
}

SELFTEST_EXPECTED = [
    'models/x.cpp:1: its folder is not in',
    'net/base/bad.h:1: includes net/console/c.h, but net/base/ may include only net/base/',
    'net/console/bad.cpp:1: includes ui/window.h, but net/console/ may include only net/console/ net/',
    'tests/bad.cpp:1: includes "nowhere.h", which is no path from the source root',
    'ui/bare.cpp:1: includes "window.h", which is no path from the source root',
    'ui/missing.cpp:1: includes "ui/nothere.h", which is no path from the source root',
]


def selftest():
    rules = read_rules(SELFTEST_DESIGN)
    assert rules['net/console/'] == ['net/'] and rules['net/base/'] == [], rules
    assert row_for('net/console/x.cpp', rules) == 'net/console/'
    assert row_for('net/other/x.cpp', rules) == 'net/'
    found = problems(SELFTEST_FILES, set(SELFTEST_FILES), rules)
    ok = len(found) == len(SELFTEST_EXPECTED) and all(
        f.startswith(e) for f, e in zip(found, SELFTEST_EXPECTED))
    for f in found:
        print(f)
    try:
        read_rules('no table here')
        ok = False
    except ValueError:
        pass
    print('selftest', 'passed' if ok else 'FAILED')
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ['--selftest']:
        return selftest()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    os.chdir(root)
    tracked = set(subprocess.check_output(['git', 'ls-files']).decode().split())
    sources = [f for f in tracked if f.endswith(('.cpp', '.h')) and os.path.exists(f)]
    texts = {f: open(f, encoding='utf-8').read() for f in sources}
    rules = read_rules(open('docs/DESIGN.md', encoding='utf-8').read())
    found = problems(texts, tracked, rules)
    for p in found:
        print(p)
    print(f'{len(texts)} files checked against {len(rules)} rows, {len(found)} problems')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
