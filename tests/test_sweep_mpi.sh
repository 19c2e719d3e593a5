#!/bin/bash
# mpirun -n N fnegraph sweep (issue 14), on one machine over loopback: -n 1,
# 2 and 3 write exactly the rows of the serial sweep (keys, none twice, every
# field but the timings bit for bit: tests/support/sweep_rows.py) with the
# attributes mpi_ranks, threads_per_rank and hosts, and FNE caches equal to
# the serial ones, also when extracted in shards over the ranks and merged
# (byte for byte); a shard of another oneDNN implementation is refused; a
# rank killed with SIGKILL during the sharded extraction, and one
# during the graph phase (its pid found among mpirun's descendants by its
# OMPI_COMM_WORLD_RANK), end the job, and the same command then completes to
# the same rows, none twice, reusing the finished shards. A rank's error is
# printed once. Skipped without mpirun, without
# h5py, or in a build without MPI (`fnegraph info --json`: "mpi": null).
set -u
exe=${FG_EXE:?}
src=${FG_SOURCE_DIR:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; l=$(ls -t -- *.log 2>/dev/null | head -1); [ -z "$l" ] || { echo "--- the newest log, $l:"; tail -n 20 "$l"; }; fi; }
command -v mpirun >/dev/null || { echo "skip: no mpirun (openmpi-bin)"; exit 77; }
"$exe" info --json | grep -q '"mpi": null' && { echo "skip: this build has no MPI (FNEGRAPH_MPI)"; exit 77; }
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { echo "skip: no python3-h5py to read the rows"; exit 77; }
tmp=$(mktemp -d); trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
export FNEGRAPH_QUIET=1 HDF5_USE_FILE_LOCKING=FALSE OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# loopback only, no network probing
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
mpi() { timeout 120 mpirun --oversubscribe --bind-to none "$@"; }
if [ "${FG_SANITIZE:-0}" = 1 ]; then
  # LeakSanitizer and OpenMPI: keep its components loaded (their frames named) and unwind
  # fully (OpenMPI's libraries have no frame pointers), so that tests/lsan.supp's
  # libopen-rte, libmpi, ... match their allocations; a leak of ours still fails the run
  export OMPI_MCA_mca_base_component_disable_dlclose=1
  mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0" timeout 240 mpirun --oversubscribe --bind-to none "$@"; }
fi
cd "$tmp" || exit 1
. "$src/tests/support/two_datasets.sh"
make_two_datasets 3 3 || exit 1
check "serial sweep" '"$exe" sweep --config s.ini --out serial.h5 --timeline serial_tl.json >serial.log 2>&1'
tlc() { /usr/bin/python3 "$src/tests/support/timeline_check.py" "$@"; }
check "the serial sweep's --timeline: its units are the results' graphs and runs" 'tlc serial_tl.json serial.h5 --serial'
rows() { /usr/bin/python3 "$src/tests/support/sweep_rows.py" serial.h5 -- "$@"; }
# every dataset and attribute of two HDF5 files equal
same_h5() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
def items(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o))
    return out
ia, ib = items(a), items(b)
assert set(ia) == set(ib), (sorted(ia), sorted(ib))
for n in ia:
    assert dict(ia[n].attrs) .keys() == dict(ib[n].attrs).keys(), n
    if isinstance(ia[n], h5py.Dataset):
        assert ia[n].shape == ib[n].shape and np.array_equal(ia[n][()], ib[n][()]), n
assert {k: str(v) for k, v in a.attrs.items()} == {k: str(v) for k, v in b.attrs.items()}
PY
}
mv cache serial_cache
for n in 1 2 3; do
  # -n 1 extracts everything on rank 0; -n 2 and 3 reuse those caches (-n 3 after a fresh
  # extraction below too)
  [ $n = 1 ] && rm -rf cache
  check "mpirun -n $n exits 0" 'mpi -n $n "$exe" sweep --config s.ini --out m$n.h5 >m$n.log 2>&1'
  check "mpirun -n $n: the serial rows" 'rows m$n.h5'
  check "mpirun -n $n: attributes mpi_ranks = $n, threads_per_rank = 1, hosts" \
    '/usr/bin/python3 -c "import h5py,sys; a=h5py.File(\"m$n.h5\",\"r\").attrs; sys.exit(not (a[\"mpi_ranks\"]==\"$n\" and a[\"threads_per_rank\"]==\"1\" and len(a[\"hosts\"])>0))"'
done
check "the caches of mpirun -n 1 are the serial ones (every dataset and attribute)" \
  'same_h5 cache/tiny_fne.h5 serial_cache/tiny_fne.h5 && same_h5 cache/two_fne.h5 serial_cache/two_fne.h5'
# extraction in shards of 4 images (a multiple of the batch) over the ranks, merged in order
rm -rf cache
check "mpirun -n 3 with extraction shards of 4 images" \
  'FNEGRAPH_SHARD_IMAGES=4 mpi -n 3 "$exe" sweep --config s.ini --out s3.h5 --timeline s3_tl.json >s3.log 2>&1 && rows s3.h5'
check "its --timeline (rank 0's): shards cover each dataset once, then its merge; the results' graphs and runs" \
  'tlc s3_tl.json s3.h5 --ranks 3 --shards'
check "rank 0 says its coordination's CPU once" '[ $(grep -c "^rank 0.s coordination: .* s of CPU in .* messages" s3.log) = 1 ]'
check "3 + 2 shards made and merged" \
  'grep -q "\[tiny\] 3 shards merged" s3.log && grep -q "\[two\] 2 shards merged" s3.log && ! ls cache | grep -q shard'
check "the merged caches are byte for byte the serial ones" \
  'cmp cache/tiny_fne.h5 serial_cache/tiny_fne.h5 && cmp cache/two_fne.h5 serial_cache/two_fne.h5'
check "progress and the summary come from rank 0 alone" '[ $(grep -c "^sweep done" m3.log) = 1 ]'
# the k-means baselines as units: their rows are the serial sweep's too
M="--set sweep.methods=fluidc,kmeans,kmeans-ternary"
check "serial sweep with the k-means baselines" '"$exe" sweep --config s.ini $M --out ks.h5 >ks.log 2>&1'
check "mpirun -n 3 with the k-means baselines: the serial rows, each method's" \
  'mpi -n 3 "$exe" sweep --config s.ini $M --out km.h5 >km.log 2>&1 &&
   /usr/bin/python3 "$src/tests/support/sweep_rows.py" ks.h5 -- km.h5 &&
   [ $(/usr/bin/python3 -c "import h5py; print(len({m for m in h5py.File(\"km.h5\",\"r\")[\"runs\"][\"method\"]}))") = 3 ]'
check "a dry run under mpirun prints the plan once" \
  '[ $(mpi -n 2 "$exe" sweep --config s.ini --out m3.h5 --dry-run 2>/dev/null | grep -c "^total over") = 1 ]'

# kill -9 of rank 1 in the graph phase: the job ends; the same command completes
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
mpi -n 3 "$exe" sweep --config s.ini --out k.h5 >k.log 2>&1 &
mp=$!
victim=
for _ in $(seq 1 600); do
  if grep -q " lo .* hi .* k .*runs\? to do" k.log 2>/dev/null; then
    for c in $(descendants $mp); do
      tr '\0' '\n' 2>/dev/null </proc/$c/environ | grep -qx OMPI_COMM_WORLD_RANK=1 && victim=$c
    done
    break
  fi
  kill -0 $mp 2>/dev/null || break
  sleep 0.05
done
check "rank 1 found (pid ${victim:-none}) during the graph phase" '[ -n "$victim" ]'
[ -n "$victim" ] && kill -9 "$victim"
wait $mp
rc=$?
check "the job ends when a rank is killed (mpirun exit $rc)" '[ $rc != 0 ] || grep -q "^sweep done" k.log'
check "the same command completes" 'mpi -n 3 "$exe" sweep --config s.ini --out k.h5 >k2.log 2>&1'
check "after the kill and the rerun: the serial rows, none twice" 'rows k.h5'
check "a third run writes nothing" 'mpi -n 2 "$exe" sweep --config s.ini --out k.h5 2>&1 | grep -q "sweep done: 0 runs written"'
# kill -9 of a rank during the sharded extraction: the rerun reuses the finished shards
rm -rf cache
FNEGRAPH_SHARD_IMAGES=4 mpi -n 2 "$exe" sweep --config s.ini --out x.h5 >x.log 2>&1 &
mp=$!
victim=
for _ in $(seq 1 1200); do
  if grep -q "extracted into" x.log 2>/dev/null; then
    for c in $(descendants $mp); do
      tr '\0' '\n' 2>/dev/null </proc/$c/environ | grep -qx OMPI_COMM_WORLD_RANK=1 && victim=$c
    done
    break
  fi
  kill -0 $mp 2>/dev/null || break
  sleep 0.05
done
check "rank 1 found (pid ${victim:-none}) during the extraction" '[ -n "$victim" ]'
[ -n "$victim" ] && kill -9 "$victim"
wait $mp
check "the job ends" '! grep -q "^sweep done" x.log'
check "finished shards are kept for the rerun" 'ls cache | grep -q shard'
check "the same command completes, the caches byte for byte the serial ones and the rows the serial rows" \
  'FNEGRAPH_SHARD_IMAGES=4 mpi -n 2 "$exe" sweep --config s.ini --out x.h5 >x2.log 2>&1 && rows x.h5 &&
   cmp cache/tiny_fne.h5 serial_cache/tiny_fne.h5 && cmp cache/two_fne.h5 serial_cache/two_fne.h5'
check "the rerun reused a finished shard" 'grep -q "extracted into .*([1-9][0-9]* resumed\|complete" x2.log || grep -q "4 resumed" x2.log'

# shards of another oneDNN implementation are refused: shard 0 made with oneDNN capped at AVX2
# (on a CPU where that changes the implementation), the others natively
if "$exe" info --json | grep -q '"onednn_isa": "avx512'; then
  rm -rf cache
  ONEDNN_MAX_CPU_ISA=AVX2 FNEGRAPH_SHARD_IMAGES=4 mpi -n 1 "$exe" sweep --config s.ini --out y.h5 >y.log 2>&1 &
  mp=$!
  victim=
  for _ in $(seq 1 1200); do
    if grep -q "images 0-3 extracted into" y.log 2>/dev/null; then
      for c in $(descendants $mp); do
        tr '\0' '\n' 2>/dev/null </proc/$c/environ | grep -qx OMPI_COMM_WORLD_RANK=0 && victim=$c
      done
      break
    fi
    kill -0 $mp 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$victim" ] && kill -9 "$victim"
  wait $mp
  FNEGRAPH_SHARD_IMAGES=4 mpi -n 2 "$exe" sweep --config s.ini --out y.h5 >y2.log 2>&1
  rc=$?
  check "a shard of another oneDNN implementation is refused, not merged (exit $rc)" \
    '[ -n "$victim" ] && [ $rc != 0 ] && grep -q "another oneDNN implementation.*not merged" y2.log && [ ! -e cache/tiny_fne.h5 ] || { cat y.log y2.log; false; }'
else
  echo "note: oneDNN's ISA is not avx512 here: the refusal of another implementation's shard is not checked"
fi

# a rank's error ends the job, its message printed once (by rank 0, naming the rank)
mkdir -p cache2/two_fne.h5 # a directory where dataset two's cache should be: its extraction fails
mpi -n 3 "$exe" sweep --config s.ini --set "dataset two.fne=cache2/two_fne.h5" --out e.h5 >e.log 2>&1
rc=$?
check "an extraction that fails on a rank fails the job (exit $rc)" '[ $rc != 0 ]'
check "its message is printed once, naming the rank and the cache" \
  '[ $(grep -c "^fnegraph sweep: error: rank [0-9]: .*two_fne.h5" e.log) = 1 ] || { cat e.log; false; }'
check "the other dataset's rows made before the failure are kept" '/usr/bin/python3 -c "import h5py; h5py.File(\"e.h5\",\"r\")"'
mkdir -p outdir.h5
mpi -n 2 "$exe" sweep --config s.ini --out outdir.h5 >o.log 2>&1
rc=$?
check "rank 0 unable to open the results file fails the job once (exit $rc)" \
  '[ $rc != 0 ] && [ $(grep -c "^fnegraph sweep: .*outdir.h5" o.log) = 1 ] || { cat o.log; false; }'
check "--part under mpirun is a usage error" '! mpi -n 1 "$exe" sweep --config s.ini --part 1/2 --out x.h5 >/dev/null 2>&1'
exit $fail
