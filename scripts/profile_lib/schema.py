#!/usr/bin/python3
"""Checks a profile.json against the schema of issue 15 (docs/profile.md):
schema.py FILE [--stages] prints nothing and exits 0 when it holds, else
names every violation and exits 1. --stages also requires every stage of
stages.py (as measured or as absent_stages with a reason)."""
import json
import sys

import stages as S

NUM = (int, float)


def check(p, require_stages=False):
    errs = []

    def need(cond, what):
        if not cond:
            errs.append(what)

    need(isinstance(p, dict), "top level: expected an object")
    if errs:
        return errs
    m = p.get("machine")
    need(isinstance(m, dict), "machine: expected an object")
    if isinstance(m, dict):
        need(isinstance(m.get("cpu"), str), "machine.cpu: expected a string")
        for k in ("cores", "numa_nodes"):
            need(isinstance(m.get(k), int) and not isinstance(m.get(k), bool) and m.get(k) >= 1,
                 f"machine.{k}: expected a positive integer")
        need(isinstance(m.get("isas"), list) and all(isinstance(i, str) for i in m.get("isas", [0])),
             "machine.isas: expected a list of strings")
        for k in ("fma_peak_gflops", "read_bw_gbps"):
            d = m.get(k)
            need(isinstance(d, dict) and d, f"machine.{k}: expected a non-empty object")
            for t, v in (d or {}).items() if isinstance(d, dict) else []:
                need(t.isdigit() and int(t) >= 1, f"machine.{k}: key {t!r} is not a thread count")
                need(isinstance(v, NUM) and v > 0, f"machine.{k}[{t}]: expected a positive number, got {v!r}")
    st = p.get("stages")
    need(isinstance(st, list) and st, "stages: expected a non-empty list")
    seen = set()
    for i, s in enumerate(st if isinstance(st, list) else []):
        w = f"stages[{i}]"
        if not isinstance(s, dict):
            errs.append(f"{w}: expected an object")
            continue
        need(isinstance(s.get("name"), str), f"{w}.name: expected a string")
        need(isinstance(s.get("threads"), int) and s.get("threads", 0) >= 1, f"{w}.threads: expected an integer >= 1")
        for k in ("seconds", "throughput"):
            need(isinstance(s.get(k), NUM) and s.get(k) > 0, f"{w}.{k}: expected a positive number")
        need(isinstance(s.get("unit"), str) and s.get("unit"), f"{w}.unit: expected a string")
        need(s.get("roof") in ("fma", "bandwidth", None), f"{w}.roof: expected \"fma\", \"bandwidth\" or null")
        f = s.get("fraction_of_roof", "missing")
        need(f is None or (isinstance(f, NUM) and f >= 0), f"{w}.fraction_of_roof: expected a number or null")
        need((s.get("roof") is None) == (f is None), f"{w}: roof and fraction_of_roof must be both null or both set")
        seen.add(s.get("name"))
    if require_stages:
        absent = {a.get("name") for a in p.get("absent_stages", []) if isinstance(a, dict) and a.get("reason")}
        for n in S.STAGE_NAMES:
            need(n in seen or n in absent, f"stages: {n} is neither measured nor in absent_stages with a reason")
    return errs


def main(argv):
    if len(argv) < 2:
        print("usage: schema.py profile.json [--stages]", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        try:
            p = json.load(f)
        except json.JSONDecodeError as e:
            print(f"{argv[1]}: not JSON: {e}", file=sys.stderr)
            return 1
    errs = check(p, "--stages" in argv[2:])
    for e in errs:
        print(f"{argv[1]}: {e}", file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
