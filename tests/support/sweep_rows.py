#!/usr/bin/python3
"""Compare the rows of sweep results files (tests of --part and mpirun).

sweep_rows.py REF.h5 -- A.h5 [B.h5 ...]
The committed rows of A, B, ... together (each table's first len(T_check)
rows, less a trailing 0 entry) must be exactly those of REF: the same keys,
no key twice in any file or across them, and every field equal bit for bit
except the timings (seconds_*). Prints what differs; exit 1 then."""
import sys

import h5py
import numpy as np


def rows(path, table):
    with h5py.File(path, "r") as f:
        n = len(f[table + "_check"])
        chk = f[table + "_check"][()]
        if n and chk[n - 1] == 0:
            n -= 1
        return f[table][:n]


KEYS = {"graphs": ("dataset", "lo", "hi", "k"),
        "runs": ("dataset", "lo", "hi", "k", "communities", "seed", "variant")}


def table(paths, name, bad):
    out = {}
    for p in paths:
        r = rows(p, name)
        fields = [x for x in r.dtype.names if not x.startswith("seconds_")]
        for x in r:
            keys = KEYS[name] + (("method",) if name == "runs" and "method" in r.dtype.names else ())
            key = tuple(x[k].tobytes() if isinstance(x[k], np.ndarray) else
                        (x[k] if not isinstance(x[k], bytes) else x[k].rstrip(b"\0")) for k in keys)
            val = tuple(np.asarray(x[f]).tobytes() for f in fields)
            if key in out:
                bad.append(f"{p}: /{name} row {key} appears twice")
            out[key] = val
    return out


def main():
    args = sys.argv[1:]
    if len(args) < 3 or args[1] != "--":
        sys.exit(__doc__)
    ref, parts, bad = [args[0]], args[2:], []
    for name in ("graphs", "runs"):
        a, b = table(ref, name, bad), table(parts, name, bad)
        if not a:
            bad.append(f"{ref[0]}: /{name} is empty")
        for k in sorted(set(a) - set(b), key=str):
            bad.append(f"/{name} {k}: missing")
        for k in sorted(set(b) - set(a), key=str):
            bad.append(f"/{name} {k}: not in {ref[0]}")
        for k in sorted(set(a) & set(b), key=str):
            if a[k] != b[k]:
                bad.append(f"/{name} {k}: fields differ")
        print(f"/{name}: {len(a)} rows in {ref[0]}, {len(b)} in {' '.join(parts)}")
    for m in bad[:20]:
        print("  " + m)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
