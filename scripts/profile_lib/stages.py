"""The stages scripts/profile measures: which benchmark case each one is, how
its throughput is read from Google Benchmark's JSON, which roof bounds it and
its arithmetic intensity (docs/profile.md explains every choice)."""
import re

VGG16_GFLOP = 30.94           # per image, conv1_1..fc7 (bench_extract's direct count)
VGG16_PARAMS = 134.26e6       # weights to fc7 (fc8 is not run)
IMAGE_BYTES = 224 * 224 * 3 * 4
FNE_BYTES = 12416 * 4

# Programs and the cases of each; {b} is the batch (8 full, 1 --quick), {isa}
# the graph kernels' best case on this CPU (avx512, else scalar).
PROGRAMS = {
    "bench_core": r"peak/.*/allcores",
    "bench_graph": r"memory/read/|standardize/stats/{isa}/|ternarize/fused/{isa}/|ff/total/{isa}/|graph/csr_build/allcores|"
                   r"graph/summarize",
    "bench_image": r"image/decode/jpeg/500x375/allcores",
    "bench_vgg16": r"nn/vgg16_fne/allcores/{b}/|nn/fne_reduce/allcores/",
    "bench_extract": r"extract/whole/(f32_direct|f32_winograd|bf16_direct)/allcores/{b}/",
    "bench_community": r"community/fluidc_run/paper/flowers102|metrics/nmi_ami_all4",
    "bench_io": r"io/edges_read/",
    "bench_sweep": r"sweep/config/flowers102-shaped/allcores",
}


def seconds_of(b):
    """Best seconds of one unit of work: best_ms when the case reports it,
    else the real time of an iteration."""
    if "best_ms" in b:
        return b["best_ms"] / 1e3
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
    return b["real_time"] * scale


def vgg16_intensity(batch, bytes_per_weight):
    """flop/byte at the least traffic: weights once a batch, input and FNE once an image."""
    return VGG16_GFLOP * 1e9 / (VGG16_PARAMS * bytes_per_weight / batch + IMAGE_BYTES + FNE_BYTES)


def _vgg(mode, peak_key, bytes_per_weight):
    def measure(b, batch):
        ips = b["images_per_s"]
        return {"seconds": seconds_of(b), "throughput": ips, "unit": "images/s",
                "gflops": ips * VGG16_GFLOP, "peak_key": peak_key,
                "intensity": vgg16_intensity(batch, bytes_per_weight)}
    return measure


def _gbps(flops_per_float, key="GBps_best"):  # key None: bytes_per_second
    def measure(b, batch):
        gbs = b[key] if key and key in b else b["bytes_per_second"] / 1e9
        return {"seconds": seconds_of(b), "throughput": gbs, "unit": "GB/s", "bytes_per_s": gbs * 1e9,
                "gflops": gbs * flops_per_float / 4, "intensity": flops_per_float / 4}
    return measure


def _per_s(counter, unit, bytes_per_item=None):
    def measure(b, batch):
        s = seconds_of(b)
        n = b[counter] if counter else 1.0
        r = {"seconds": s, "throughput": n / s, "unit": unit}
        if bytes_per_item:
            r["bytes_per_s"] = n * bytes_per_item / s
        return r
    return measure


def _items(unit, bytes_key=None):
    def measure(b, batch):
        r = {"seconds": seconds_of(b), "throughput": b["items_per_second"], "unit": unit}
        if bytes_key:
            r["bytes_per_s"] = b[bytes_key]
        return r
    return measure


# name, program, case regex (the first non-skipped match wins, in order of
# preference), roof, parallel (False: the code is sequential by design), measure
STAGES = [
    ("decode", "bench_image", [r"image/decode/jpeg/500x375/allcores"], None, True, _items("images/s")),
    ("vgg16_f32", "bench_extract", [r"extract/whole/f32_direct/allcores/{b}/"], "fma", True,
     _vgg("f32", "fma_peak_gflops", 4)),
    ("vgg16_winograd", "bench_extract", [r"extract/whole/f32_winograd/allcores/{b}/"], "fma", True,
     _vgg("winograd", "fma_peak_gflops", 4)),
    ("vgg16_bf16", "bench_extract", [r"extract/whole/bf16_direct/allcores/{b}/"], "fma", True,
     _vgg("bf16", "bf16_peak_gflops", 2)),
    ("fne_reduce", "bench_vgg16", [r"nn/fne_reduce/allcores/8x224x224x64"], "bandwidth", True,
     _gbps(1, key=None)),
    ("standardize", "bench_graph", [r"standardize/stats/avx512/", r"standardize/stats/scalar/"], "bandwidth", True,
     _gbps(3)),
    ("ternarize", "bench_graph", [r"ternarize/fused/avx512/", r"ternarize/fused/scalar/"], "bandwidth", True,
     _gbps(4)),
    ("ff_edges", "bench_graph", [r"ff/total/avx512/", r"ff/total/scalar/"], None, True,
     _per_s("ff_edges", "edges/s")),
    ("csr_build", "bench_graph", [r"graph/csr_build/allcores/"], "bandwidth", True,
     _per_s("edges", "edges/s", bytes_per_item=8)),
    ("components", "bench_graph", [r"graph/summarize/"], None, True,
     _per_s("vertices_nonisolated", "vertices/s")),
    ("fluidc", "bench_community", [r"community/fluidc_run/paper/flowers102"], None, False, _per_s(None, "runs/s")),
    ("nmi_ami", "bench_community", [r"metrics/nmi_ami_all4/"], None, False, _per_s(None, "scorings/s")),
    ("edges_read", "bench_io", [r"io/edges_read/"], "bandwidth", True, _items("edges/s", "bytes_per_second")),
    ("sweep_config", "bench_sweep", [r"sweep/config/flowers102-shaped/allcores"], None, True,
     _per_s(None, "configs/s")),
]

# stages whose throughput is counted in another method's work (Winograd: the direct count)
DIRECT_COUNT = {"vgg16_winograd"}

STAGE_NAMES = [s[0] for s in STAGES]

# What each roofline point's intensity is (report.md and docs/profile.md).
INTENSITY_NOTES = {
    "vgg16_f32": "30.94 GFLOP an image over the least traffic: 134.26 M f32 weights once a batch, "
                 "the 224x224x3 f32 input and the 12,416-float FNE once an image",
    "vgg16_winograd": "as vgg16_f32 (the direct count: Winograd does fewer real flops, so it can pass the roof)",
    "vgg16_bf16": "as vgg16_f32 with 2-byte weights; its roof is the bf16 peak (AMX tiles where the CPU has "
                  "them, else the AVX512_BF16 dot)",
    "fne_reduce": "1 add per 4-byte float read: 0.25 flop/B",
    "standardize": "sum and sum of squares: 3 flops per float read, 0.75 flop/B",
    "ternarize": "subtract, scale, two compares: 4 flops per float read, 1 flop/B",
}


def case_regex(pattern, batch):
    return re.compile(pattern.replace("{b}", str(batch)))


def program_filter(program, batch, isa):
    return PROGRAMS[program].replace("{b}", str(batch)).replace("{isa}", isa)
