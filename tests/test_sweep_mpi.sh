#!/bin/bash
# mpirun -n N fnegraph sweep (issue 14), on one machine over loopback: -n 1,
# 2 and 3 write exactly the rows of the serial sweep (keys, none twice, every
# field but the timings bit for bit: tests/support/sweep_rows.py) with the
# attributes mpi_ranks, threads_per_rank and hosts; a rank killed with
# SIGKILL during the graph phase (its pid found among mpirun's children by
# its OMPI_COMM_WORLD_RANK) ends the job, and the same command then
# completes to the same rows, none twice. Skipped without mpirun, without
# h5py, or in a build without MPI (`fnegraph info --json`: "mpi": null).
set -u
exe=${FG_EXE:?}
src=${FG_SOURCE_DIR:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
command -v mpirun >/dev/null || { echo "skip: no mpirun (openmpi-bin)"; exit 77; }
"$exe" info --json | grep -q '"mpi": null' && { echo "skip: this build has no MPI (FNEGRAPH_MPI)"; exit 77; }
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { echo "skip: no python3-h5py to read the rows"; exit 77; }
tmp=$(mktemp -d); trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
export FNEGRAPH_QUIET=1 HDF5_USE_FILE_LOCKING=FALSE OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# loopback only, no network probing
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
mpi() { timeout 120 mpirun --oversubscribe --bind-to none "$@"; }
cd "$tmp" || exit 1
"$exe" gen-weights --out w.h5 --seed 3 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out imgs --classes 3 --per-class 5 --seed 2 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
"$exe" demo-data --out imgs2 --classes 2 --per-class 4 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
cat > s.ini <<'INI'
[sweep]
weights     = w.h5
out         = out/r.h5
thresholds  = -2:2, -1:1
k           = 1.5, 2
communities = classes, 2*classes
seeds       = 1-4
threads     = 1
batch       = 4

[dataset tiny]
kind  = folder
root  = imgs
fne   = cache/tiny_fne.h5

[dataset two]
kind  = folder
root  = imgs2
fne   = cache/two_fne.h5
INI
check "serial sweep" '"$exe" sweep --config s.ini --out serial.h5 >serial.log 2>&1'
rows() { /usr/bin/python3 "$src/tests/support/sweep_rows.py" serial.h5 -- "$@"; }
for n in 1 2 3; do
  rm -rf cache # every run extracts: the datasets go to different ranks
  check "mpirun -n $n exits 0" 'mpi -n $n "$exe" sweep --config s.ini --out m$n.h5 >m$n.log 2>&1'
  check "mpirun -n $n: the serial rows" 'rows m$n.h5'
  check "mpirun -n $n: attributes mpi_ranks = $n, threads_per_rank = 1, hosts" \
    '/usr/bin/python3 -c "import h5py,sys; a=h5py.File(\"m$n.h5\",\"r\").attrs; sys.exit(not (a[\"mpi_ranks\"]==\"$n\" and a[\"threads_per_rank\"]==\"1\" and len(a[\"hosts\"])>0))"'
done
check "progress and the summary come from rank 0 alone" '[ $(grep -c "^sweep done" m3.log) = 1 ]'
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
      tr '\0' '\n' </proc/$c/environ 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1 && victim=$c
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
check "--part under mpirun is a usage error" '! mpi -n 1 "$exe" sweep --config s.ini --part 1/2 --out x.h5 >/dev/null 2>&1'
exit $fail
