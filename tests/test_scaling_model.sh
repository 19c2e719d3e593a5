#!/bin/bash
# bench/scaling_model.py on fixed unit costs, worked out by hand: wood's 438
# images (7 shards: 6 of 64 and one of 54, batch 8) at 1 s an image, a merge
# of 0.01 s an image, one graph task (1 s + 4 runs x 0.5 s + its ff edges
# 2 s). On 1 node (2 ranks) the shards take 4 rounds (246 s), then the merge
# (to 250.38 s) and the task (to 255.38 s); on 4 nodes they run at once (64 s,
# 68.38 s, 73.38 s). The coordinator's fit: 0.01 s of CPU a second + 0.001 s
# a message.
set -u
src=${FG_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
py=/usr/bin/python3
[ -x "$py" ] || { echo "skip: no /usr/bin/python3"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
cat > "$tmp/b.json" <<'JSON'
{"context": {"date": "fixed", "cpu_model": "test", "num_cpus": 2, "fnegraph_commit": "x", "images": [100, 300]},
 "benchmarks": [
  {"name": "sweep/extraction/serial_1x2", "real_time": 10.0}, {"name": "sweep/extraction/mpi_2x1", "real_time": 10.5, "serial_over_mpi": 0.952},
  {"name": "sweep/graph/serial_1x2", "real_time": 8.0}, {"name": "sweep/graph/mpi_2x1", "real_time": 8.2, "serial_over_mpi": 0.976},
  {"name": "sweep/coordinator", "real_time": 3.0, "job_wall_s": 200, "fraction_of_a_core": 0.015, "fraction_of_job": 0.0075}],
 "units": {"threads": 1, "extract_seconds_per_image": 1.0, "rank_start_seconds": 0.0, "merge_seconds_per_image": 0.01,
  "load_seconds_per_image": 0.0, "ff_seconds": {"1.5": 2.0}, "handout_seconds": 0.0,
  "graph_tasks": [
   {"dataset": "a", "lo": -2.0, "hi": 2.0, "k": 1.5, "n_images": 100, "seconds_graph": 1.0, "runs": 4, "seconds_per_run": 0.5},
   {"dataset": "b", "lo": -2.0, "hi": 2.0, "k": 1.5, "n_images": 300, "seconds_graph": 1.0, "runs": 4, "seconds_per_run": 0.5}],
  "coordinator_runs": [{"cpu_seconds": 1.0, "wall_seconds": 100, "messages": 0},
                       {"cpu_seconds": 2.0, "wall_seconds": 100, "messages": 1000}]}}
JSON
cat > "$tmp/w.ini" <<'INI'
[sweep]
weights = w.h5
thresholds = -2:2
k = 1.5
communities = classes
seeds = 1-4
batch = 8
[dataset wood]
kind = wood
root = x
fne = y
INI
check "the model runs" '"$py" "$src/bench/scaling_model.py" --bench "$tmp/b.json" --sweep-bench "$tmp/none.json" --config "$tmp/w.ini" --nodes 1,4 --out "$tmp/s.md"'
cat "$tmp/s.md"
check "1 node: 4 rounds of shards, the merge, the task; bound by the work; rank 0 at 1.01 % of a core" \
  'grep -q "^| 1 | 2 | 4 min 15 s | 4 min 10 s | .* | the work (all ranks busy) | 1.01 % of a core" "$tmp/s.md"'
check "4 nodes: the shards at once; bound by the dataset's chain (64 + 4.38 + 3 s)" \
  'grep -q "^| 4 | 8 | 1 min 13 s | 1 min 08 s | .* | 1 min 04 s | 1 min 11 s | a dataset.s chain |" "$tmp/s.md"'
check "the measured ratios are quoted" 'grep -q "| extraction phase | 10.0 s | 10.5 s | 0.95 |" "$tmp/s.md"'
check "1 dataset, 438 images, 1 task, 4 runs" 'grep -q "1 datasets, 438 images to extract, 1 graph tasks, 4 FluidC runs" "$tmp/s.md"'
sed 's/"kind = wood"/x/' "$tmp/w.ini" | sed 's/kind = wood/kind = folder/' > "$tmp/f.ini"
check "a dataset of no known size is refused, naming it" \
  '! "$py" "$src/bench/scaling_model.py" --bench "$tmp/b.json" --config "$tmp/f.ini" --out "$tmp/f.md" 2>"$tmp/err" && grep -q "dataset wood.*folder" "$tmp/err"'
exit $fail
