"""The machine's topology from hwloc (lstopo-no-graphics --of xml): CPU model,
cores, NUMA nodes, caches."""
import re
import subprocess
import xml.etree.ElementTree as ET


def read():
    try:
        xml = subprocess.run(["lstopo-no-graphics", "--of", "xml"], check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"scripts/profile: hwloc's lstopo-no-graphics failed ({e}); install Debian's hwloc "
                         "(scripts/deps test)")
    return parse(xml)


def parse(xml):
    root = ET.fromstring(xml)
    objs = list(root.iter("object"))
    count = lambda t: sum(1 for o in objs if o.get("type") == t)
    model = ""
    for o in objs:
        for info in o.findall("info"):
            if info.get("name") == "CPUModel" and not model:
                model = info.get("value", "").strip()
    caches, llc_total, mem = {}, {}, 0
    for o in objs:
        t = o.get("type", "")
        if t.endswith("Cache") and o.get("cache_size"):
            llc_total[t] = llc_total.get(t, 0) + int(o.get("cache_size"))
        if t == "NUMANode" and o.get("local_memory"):
            mem += int(o.get("local_memory"))
    for o in objs:
        t = o.get("type", "")
        if t.endswith("Cache") and t != "L1iCache" and o.get("cache_size"):
            caches.setdefault(t.replace("Cache", ""), int(o.get("cache_size")))
    return {"cpu": model or "unknown CPU", "cores": count("Core") or count("PU"), "pus": count("PU"),
            "packages": count("Package"), "numa_nodes": max(1, count("NUMANode")), "cache_bytes": caches,
            "llc_total_bytes": max(llc_total.values()) if llc_total else 0, "memory_bytes": mem}


def read_buffer_mib(topo):
    """The read-bandwidth buffer: 4 x all last-level caches, at least 512 MiB,
    at most a quarter of the memory."""
    mib = max(512, 4 * topo["llc_total_bytes"] // 2**20)
    if topo["memory_bytes"]:
        mib = min(mib, topo["memory_bytes"] // 4 // 2**20)
    return max(64, mib)


def slug(cpu, cores):
    s = re.sub(r"\((r|tm|c)\)", "", cpu.lower())
    s = re.sub(r"\b(processor|cpu|with|radeon graphics)\b", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return f"{s or 'cpu'}-{cores}c"
