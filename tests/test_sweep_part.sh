#!/bin/bash
# fnegraph sweep --part I/N (issue 14): the parts of a sweep, each into its
# own results file, run at the same time on shared FNE caches (a part waits
# for another's lock on a cache, then reuses it), together hold exactly the
# rows of the serial sweep: the same keys, none twice, every field but the
# timings bit for bit (tests/support/sweep_rows.py, h5py). A part run again
# adds nothing; bad --part values are usage errors.
set -u
exe=${FG_EXE:?}
src=${FG_SOURCE_DIR:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { echo "skip: no python3-h5py to read the rows"; exit 77; }
tmp=$(mktemp -d); trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
export FNEGRAPH_QUIET=1 HDF5_USE_FILE_LOCKING=FALSE
cd "$tmp" || exit 1
. "$src/tests/support/two_datasets.sh"
make_two_datasets 5 4 || exit 1
check "serial sweep" '"$exe" sweep --config s.ini --out serial.h5 >serial.log 2>&1'
rm -rf cache
# three parts at once: parts 1 and 2 both need dataset tiny's cache
for i in 1 2 3; do "$exe" sweep --config s.ini --part $i/3 --out p$i.h5 >p$i.log 2>&1 & pids[$i]=$!; done
for i in 1 2 3; do check "part $i/3 exits 0" 'wait ${pids[$i]}'; done
check "part 1 covers graph tasks 0-1, part 3 tasks 5-7" \
  'grep -q "part 1/3: graph tasks 0-1 of 8" p1.log && grep -q "part 3/3: graph tasks 5-7 of 8" p3.log'
check "the parts together are the serial rows" '/usr/bin/python3 "$src/tests/support/sweep_rows.py" serial.h5 -- p1.h5 p2.h5 p3.h5'
check "the FNE caches the parts made are the serial ones' (same rows from them)" 'test -s cache/tiny_fne.h5 -a -s cache/two_fne.h5'
check "a part run again writes nothing" \
  '"$exe" sweep --config s.ini --part 2/3 --out p2.h5 2>&1 | grep -q "sweep done: 0 runs written (18 were already there), 0 graphs"'
check "one part of one is the whole sweep" \
  '"$exe" sweep --config s.ini --part 1/1 --out all.h5 --timeline all_tl.json >/dev/null 2>&1 && /usr/bin/python3 "$src/tests/support/sweep_rows.py" serial.h5 -- all.h5'
check "its --timeline: the whole extractions (the caches reused), a load a dataset, the results' graphs and runs" \
  '/usr/bin/python3 "$src/tests/support/timeline_check.py" all_tl.json all.h5 --serial'
"$exe" sweep --config s.ini --part 1/2 --out nt.h5 --timeline serial.log/t.json >out.txt 2>&1
check "a --timeline that cannot be written (under a file) fails before any work, naming it" \
  '[ $? = 1 ] && grep -q "serial.log/t.json" out.txt && [ ! -e nt.h5 ]'
check "the results file says which part" \
  '/usr/bin/python3 -c "import h5py,sys; c=h5py.File(\"p2.h5\",\"r\").attrs[\"config\"]; c=c.decode() if isinstance(c,bytes) else c; sys.exit(\"part 2/3\" not in c)"'
check "the README's Slurm script parses" 'bash -n "$src/scripts/slurm-sweep.sbatch"'
for bad in 0/3 4/3 3 1/0 a/b 1/2x; do
  "$exe" sweep --config s.ini --part "$bad" --out x.h5 >out.txt 2>&1
  check "--part $bad is a usage error" '[ $? = 2 ] && grep -q "expected I/N" out.txt'
done
# the k-means baselines are units after the graph tasks: the parts together are the serial rows
M="--set sweep.methods=fluidc,kmeans,kmeans-ternary"
check "a serial sweep with the k-means baselines" '"$exe" sweep --config s.ini $M --out ks.h5 >ks.log 2>&1'
check "three parts with the k-means baselines: the serial rows (FluidC, kmeans, kmeans-ternary)" \
  'for i in 1 2 3; do "$exe" sweep --config s.ini $M --part $i/3 --out kp$i.h5 >kp$i.log 2>&1 || exit 1; done &&
   /usr/bin/python3 "$src/tests/support/sweep_rows.py" ks.h5 -- kp1.h5 kp2.h5 kp3.h5 &&
   grep -q "part 3/3: units (graph tasks, then k-means) 9-13 of 14" kp3.log'
exit $fail
