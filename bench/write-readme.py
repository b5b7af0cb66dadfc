#!/usr/bin/env python3
"""Puts freshly printed benchmark tables into README.md.

    bench/write-readme.py README.md OUTPUT "Measured ... line"

OUTPUT is what the benchmarks printed. Each table in it stands between
`<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->` lines; the text
between the same markers in README.md is replaced by the measured line and
that table. Text outside the markers (the prose) is kept as it is. Nothing is
written unless every table has its markers in README.md exactly once; the new
README replaces the old one atomically.
"""

import os
import re
import sys
import tempfile

SECTION = re.compile(r"^<!-- bench:([a-z0-9-]+):begin -->\n(.*?)^<!-- bench:\1:end -->$", re.M | re.S)


def sections(text):
    found = {}
    for match in SECTION.finditer(text):
        name = match.group(1)
        if name in found:
            raise ValueError(f"table {name} printed twice")
        found[name] = match.group(2).strip("\n")
    return found


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    readme_path, output_path, measured = argv[1:]
    with open(output_path, encoding="utf-8") as f:
        tables = sections(f.read())
    if not tables:
        print(f"write-readme: no tables between bench markers in {output_path}", file=sys.stderr)
        return 1
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()

    for name, table in tables.items():
        begin = f"<!-- bench:{name}:begin -->"
        end = f"<!-- bench:{name}:end -->"
        if readme.count(begin) != 1 or readme.count(end) != 1 or readme.index(begin) > readme.index(end):
            print(f"write-readme: {readme_path} needs {begin} and {end} once each, in that order", file=sys.stderr)
            return 1
        start = readme.index(begin) + len(begin)
        stop = readme.index(end)
        # Blank lines around the content keep the markers out of the table.
        readme = readme[:start] + f"\n{measured}\n\n{table}\n\n" + readme[stop:]

    directory = os.path.dirname(os.path.abspath(readme_path))
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False) as f:
        f.write(readme)
        temporary = f.name
    os.chmod(temporary, os.stat(readme_path).st_mode & 0o777)
    os.replace(temporary, readme_path)
    print(f"write-readme: {', '.join(tables)} written to {readme_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError) as error:
        print(f"write-readme: {error}", file=sys.stderr)
        sys.exit(1)
