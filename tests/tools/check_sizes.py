#!/usr/bin/env python3
"""Checks that the product code stays in pieces a reader can hold: no source
file of app/ chat/ host/ models/ net/ session/ ui/ over MaxFileLines lines and
no function over MaxFunctionLines (from its signature to its closing brace).
Functions are found the way .clang-format writes them: a brace alone on its
line after a signature (classes and structs are told apart by their keyword),
and matched brace by brace, skipping strings, characters and comments.

ALLOWED names each exception, with the reason; an exception that no longer
applies is reported too, so the list stays true.

    check_sizes.py              check the tree
    check_sizes.py --selftest   check the checker against made-up files

Run by CTest as check_sizes."""
import os, re, subprocess, sys

MaxFileLines = 700
MaxFunctionLines = 100
PRODUCT = ('app/', 'chat/', 'host/', 'models/', 'net/', 'session/', 'ui/')

# 'path' exempts the file's length, 'path:Function' one function's.
ALLOWED = {}


def strip_code(text):
    """The text with strings, characters and comments blanked (newlines kept),
    so that braces inside them are not counted."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == '_')):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            end = text.find(')' + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif c in '"\'':
            if c == '\'' and i > 0 and text[i - 1].isalnum():  # digit separator: 1'000
                out.append(' '); i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(' ' * (j - i)); i = j
        else:
            out.append(c); i += 1
    return ''.join(out)


HEAD_STOP = re.compile(r'[;{}]\s*$|^\s*#|^\s*$|^\s*(public|private|protected|Q_SIGNALS|Q_SLOTS|signals|slots)\b.*:\s*$')
TYPE_HEAD = re.compile(r'^\s*(template\s*<.*>\s*)?(class|struct|union|enum)\b')


def functions(text):
    """(name, first line, last line) of each function body in `text`."""
    code = strip_code(text)
    lines = code.split('\n')
    found = []
    for index, line in enumerate(lines):
        if line.strip() != '{':
            continue
        start = index
        while start > 0 and not HEAD_STOP.search(lines[start - 1]):
            start -= 1
        head = ' '.join(l.strip() for l in lines[start:index])
        if not head or TYPE_HEAD.match(head) or '(' not in head or head.rstrip().endswith('='):
            continue
        depth, end = 0, None
        for j in range(index, len(lines)):
            depth += lines[j].count('{') - lines[j].count('}')
            if depth == 0:
                end = j
                break
        if end is None:
            continue
        before = head[:head.index('(')].split()
        name = before[-1].lstrip('*&') if before else '?'
        found.append((name, start + 1, end + 1))
    return found


def problems(texts, allowed):
    found, used = [], set()
    for path, text in sorted(texts.items()):
        count = text.count('\n') + (0 if text.endswith('\n') or not text else 1)
        if count > MaxFileLines:
            if path in allowed:
                used.add(path)
            else:
                found.append(f'{path}: {count} lines, over {MaxFileLines}: split it by job, or name it in ALLOWED '
                             f'with the reason')
        for name, first, last in functions(text):
            length = last - first + 1
            if length <= MaxFunctionLines:
                continue
            key = f'{path}:{name}'
            if key in allowed:
                used.add(key)
            else:
                found.append(f'{path}:{first}: {name} is {length} lines long, over {MaxFunctionLines}: extract '
                             f'well-named helpers, or name it in ALLOWED with the reason')
    for key in sorted(set(allowed) - used):
        found.append(f'{key}: named in ALLOWED ({allowed[key]}), but within the limits now: remove it from the list')
    return found


def selftest():
    long_body = 'void Long::run(int a,\n              int b)\n{\n' + '    call();\n' * 100 + '}\n'
    short_body = 'int Short::value() const\n{\n    return 1;\n}\n'
    tricky = ('class Widget : public QObject\n{\n' + '    int x;\n' * 120 + '};\n'  # a class, not a function
              'QString text()\n{\n    return QStringLiteral("{{{ // not code");\n}\n'  # braces in a string
              'const char *raw()\n{\n    return R"x({)x";\n}\n'  # and in a raw string
              'char brace()\n{\n    return \'{\';  /* { */\n}\n')  # a character, a comment
    texts = {
        'net/long.cpp': long_body + short_body,
        'net/big.cpp': '// filler\n' * (MaxFileLines + 1),
        'net/fine.cpp': short_body + tricky,
        'net/allowed.cpp': long_body,
    }
    allowed = {'net/allowed.cpp:Long::run': 'made up', 'net/gone.cpp': 'made up, no longer needed'}
    found = problems(texts, allowed)
    expected = [
        'net/big.cpp: 701 lines, over 700',
        'net/long.cpp:1: Long::run is 104 lines long, over 100',
        'net/gone.cpp: named in ALLOWED',
    ]
    for f in found:
        print(f)
    ok = len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected))
    ok = ok and [f[0] for f in functions(tricky)] == ['text', 'raw', 'brace']
    print('selftest', 'passed' if ok else 'FAILED')
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ['--selftest']:
        return selftest()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    os.chdir(root)
    tracked = subprocess.check_output(['git', 'ls-files', '*.cpp', '*.h']).decode().split()
    texts = {f: open(f, encoding='utf-8').read() for f in tracked if f.startswith(PRODUCT) and os.path.exists(f)}
    found = problems(texts, ALLOWED)
    for p in found:
        print(p)
    print(f'{len(texts)} files checked, {len(found)} problems')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
