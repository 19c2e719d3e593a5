#!/usr/bin/python3
"""The shared library exports the public API and nothing else.

Usage: check_exports.py INCLUDE_DIR LIBFNEGRAPH.so

The public API is the set of declarations marked FG_API in the headers of
INCLUDE_DIR/fnegraph (include/fnegraph/export.h). The library is built with
hidden visibility, so the .so's dynamic symbols must be exactly that set, plus
what the toolchain adds. Also fails when a header declares an fg_ function
without FG_API (it would be missing from the .so), except in the headers of
PENDING, which are reported."""
import re
import subprocess
import sys
from pathlib import Path

# Headers whose declarations may stay unannotated for a while (reported, not
# failed): none today. A header listed here exports nothing until it gets FG_API.
PENDING = set()

# Symbols the toolchain puts in the dynamic table: the linker's section
# markers, gcc's locks of named `omp critical` sections (global by design:
# every object of a program naming the section shares one lock), and, in a
# sanitizer build, AddressSanitizer's ODR indicator of each exported variable.
TOOLCHAIN = re.compile(r"^(_init|_fini|_edata|_end|__bss_start|\.gomp_critical_user_fg_\w+"
                       r"|__odr_asan[._]fg_\w+)$")


def strip(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    return text.replace('extern "C" {', " ")


def top_level_statements(text):
    """Statements at brace depth 0, bodies of braces dropped."""
    out, cur, depth = [], [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:          # the closing brace of extern "C"
                continue
            depth -= 1
            if depth == 0:          # the end of an inline body or a type
                out.append("".join(cur) + "{}")
                cur = []
        elif depth == 0:
            if ch == ";":
                out.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
    return [" ".join(s.split()) for s in out if s.strip()]


def header_api(include_dir):
    annotated, missing, pending = set(), [], []
    headers = sorted((Path(include_dir) / "fnegraph").glob("*.h"))
    if not headers:
        sys.exit(f"FAIL: no headers in {include_dir}/fnegraph")
    for h in headers:
        for st in top_level_statements(strip(h.read_text())):
            if st.startswith(("typedef", "static")):
                continue
            m = re.search(r"(?<![\w(])(?<!\(\*)(?<!\( \*)(fg_\w+)\s*[(\[]", st)
            if not m:
                continue
            if re.match(r"FG_API\b", st):
                annotated.add(m.group(1))
            elif h.name in PENDING:
                pending.append(f"{h.name}: {m.group(1)}")
            else:
                missing.append(f"{h.name}: {st[:100]}")
    return annotated, missing, pending


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def main():
    include_dir, lib = sys.argv[1], sys.argv[2]
    annotated, missing, pending = header_api(include_dir)
    syms = exported(lib)
    fail = False
    for m in missing:
        print(f"FAIL: declared without FG_API (not exported): {m}")
        fail = True
    internal = sorted(s for s in syms if s.startswith("fg_i_"))
    if internal:
        print(f"FAIL: {len(internal)} internal fg_i_ symbols exported: {' '.join(internal[:10])}")
        fail = True
    extra = sorted(s for s in syms - annotated if not s.startswith("fg_i_") and not TOOLCHAIN.match(s))
    if extra:
        print(f"FAIL: {len(extra)} exported symbols not in the FG_API set: {' '.join(extra[:20])}")
        fail = True
    absent = sorted(annotated - syms)
    if absent:
        print(f"FAIL: {len(absent)} FG_API declarations not exported (defined without the header?): "
              f"{' '.join(absent[:20])}")
        fail = True
    if len(annotated) < 50:
        print(f"FAIL: only {len(annotated)} FG_API declarations found: is the header parse broken?")
        fail = True
    if pending:
        print(f"note: {len(pending)} declarations of {', '.join(sorted(PENDING))} not annotated yet "
              "(not exported): " + " ".join(p.split(": ")[1] for p in pending))
    if fail:
        return 1
    tool = sorted(s for s in syms if TOOLCHAIN.match(s))
    print(f"ok: {lib} exports exactly the {len(annotated)} FG_API declarations "
          f"(and {len(tool)} toolchain symbols: {' '.join(tool)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
