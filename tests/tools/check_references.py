#!/usr/bin/env python3
"""Checks that what comments point at exists. In every comment of a C++ or
CMake file of the tree: a path from the source root (net/console/...) must be
a tracked file or folder, a bare file name (frame.cpp) must be the name of one,
and a section number (§4.4) must be a numbered heading of docs/PROTOCOL.md.
Prints each dangling reference with its file and line; exits 1 if any.
Run by CTest as check_references."""
import os, re, subprocess, sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
os.chdir(root)
files = subprocess.check_output(['git', 'ls-files', '*.cpp', '*.h', '*CMakeLists.txt', '*.cmake']).decode().split()
tracked = set(subprocess.check_output(['git', 'ls-files']).decode().split())
dirs = {os.path.dirname(f) for f in tracked}
while True:
    more = {os.path.dirname(d) for d in dirs} - dirs
    if not more:
        break
    dirs |= more

protocol = open('docs/PROTOCOL.md', encoding='utf-8').read()
sections = set(re.findall(r'^#+\s+(\d+(?:\.\d+)*)\.?\s', protocol, re.M))

path_re = re.compile(r'(?<![\w./-])((?:app|bench|chat|cmake|docs|models|net|resources|scripts|tests|translations|ui)/[\w./*-]*[\w*])')
bare_re = re.compile(r'(?<![\w./-])([a-z_][\w-]*\.(?:cpp|h|md|sh|py|cmake))\b')
# Names that stand for any file (a usage line), not for one of the tree's.
PLACEHOLDERS = {'tst_foo.cpp'}
basenames = {os.path.basename(t) for t in tracked} | PLACEHOLDERS
section_re = re.compile(r'§\s?(\d+(?:\.\d+)*)')

def exists(ref):
    ref = ref.rstrip('.')
    if '*' in ref:
        prefix = ref.split('*')[0]
        return any(t.startswith(prefix) for t in tracked)
    return ref in tracked or ref.rstrip('/') in dirs

problems = []
for f in files:
    text = open(f, encoding='utf-8').read()
    for m in re.finditer(r'//[^\n]*|/\*.*?\*/' if f.endswith(('.cpp', '.h')) else r'#[^\n]*', text, re.S):
        line = text.count('\n', 0, m.start()) + 1
        for p in path_re.findall(m.group(0)):
            if not exists(p):
                problems.append(f'{f}:{line}: names {p}, which does not exist')
        for b in bare_re.findall(m.group(0)):
            if b not in basenames:
                problems.append(f'{f}:{line}: names {b}, which is no file of the tree')
        for s in section_re.findall(m.group(0)):
            if s not in sections:
                problems.append(f'{f}:{line}: names §{s}, which docs/PROTOCOL.md does not have')
for p in problems:
    print(p)
print(f'{len(files)} files checked, {len(problems)} dangling references')
sys.exit(1 if problems else 0)
