# Sourced by the sweep tests that cut one sweep into units (test_sweep_mpi.sh,
# test_sweep_part.sh): in the current folder, generated weights w.h5, two
# synthetic datasets (imgs: 3 classes x $1 images, imgs2: 2 classes x $2) and
# s.ini, a sweep over both (2 threshold pairs x 2 k = 8 graph tasks, 2
# community counts x 3 seeds a task). Returns non-zero naming what failed.
make_two_datasets() {
  "$exe" gen-weights --out w.h5 --seed 3 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; return 1; }
  "$exe" demo-data --out imgs --classes 3 --per-class "$1" --seed 2 >/dev/null 2>&1 || { echo "FAIL: demo-data"; return 1; }
  "$exe" demo-data --out imgs2 --classes 2 --per-class "$2" --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; return 1; }
  cat > s.ini <<'INI'
[sweep]
weights     = w.h5
out         = out/r.h5
thresholds  = -2:2, -1:1
k           = 1.5, 2
communities = classes, 2*classes
seeds       = 1-3
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
}
