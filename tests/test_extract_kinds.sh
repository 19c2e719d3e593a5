#!/bin/bash
# fnegraph extract --dataset <kind> on a miniature of each native layout
# (mit67, flowers102, textures, wood; folder is test_extract.sh's), built from
# demo-data JPEGs and hand-made PPMs, with generated weights: exit status,
# the FNE file's rows, labels, paths, class names and kind/split attributes
# (h5py; that part skipped when absent); and the command-line refusals
# (unknown kind, --labels where not taken, a split the layout lacks, a list
# naming a missing image). Few images: the VGG16 forward is ~0.15 s each.
set -u
exe=${FG_EXE:?}
py=/usr/bin/python3
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$exe" gen-weights --out "$tmp/w.h5" --seed 3 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/src" --classes 2 --per-class 3 --seed 7 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
img() { cp "$tmp/src/class_0$1/class_0$1_00$2.jpg" "$3"; }
have_h5py=0; [ -x $py ] && $py -c 'import h5py' 2>/dev/null && have_h5py=1
have_scipy=0; [ -x $py ] && $py -c 'import scipy.io' 2>/dev/null && have_scipy=1
[ $have_h5py = 1 ] || echo "note: /usr/bin/python3 with h5py absent: FNE contents not checked"

# fne FILE ROWS 'labels' 'paths' 'classes' KIND SPLIT: the file's content (h5py)
fne() {
  [ $have_h5py = 1 ] || return 0
  $py - "$@" <<'PY'
import sys, h5py
f, rows, labels, paths, classes, kind, split = sys.argv[1:8]
h = h5py.File(f, "r")
s = lambda v: v.decode() if isinstance(v, bytes) else str(v)
x = h["fne"][()]
assert x.shape == (int(rows), 12416), x.shape
got = " ".join(str(int(v)) for v in h["label"][()])
assert got == labels, (got, labels)
got = "|".join(s(p) for p in h["path"][()])
assert got == paths, (got, paths)
got = "|".join(s(c) for c in h["class_names"][()])
assert got == classes, (got, classes)
assert s(h.attrs["dataset"]) == kind and s(h.attrs["split"]) == split, dict(h.attrs)
PY
}
run() { # run NAME args...: extract into $tmp/NAME.h5, output in $tmp/NAME.log
  local name=$1; shift
  "$exe" extract --weights "$tmp/w.h5" --batch 2 --threads 2 --out "$tmp/$name.h5" "$@" >"$tmp/$name.log" 2>&1
}

# mit67: class and file names with spaces, a CRLF list, an unlisted image
m=$tmp/mit67
mkdir -p "$m/Images/bar" "$m/Images/living room"
img 0 0 "$m/Images/bar/b1.jpg"; img 0 1 "$m/Images/bar/b 2.jpg"
img 1 0 "$m/Images/living room/l1.jpg"; img 1 1 "$m/Images/living room/l2.jpg"
printf 'bar/b 2.jpg\r\nliving room/l2.jpg\r\nbar/b1.jpg\r\n' > "$m/TrainImages.txt"
printf 'living room/l1.jpg\n' > "$m/TestImages.txt"
run mit67 --dataset mit67 --root "$m" --split train; rc=$?
check "mit67 --split train exits 0" '[ $rc = 0 ]' || cat "$tmp/mit67.log"
check "mit67 FNE file" 'fne "$tmp/mit67.h5" 3 "0 0 1" "Images/bar/b 2.jpg|Images/bar/b1.jpg|Images/living room/l2.jpg" "bar|living room" mit67 train'
printf 'living room/l1.jpg\nbar/b9.jpg\n' > "$m/TestImages.txt"
run mit67x --dataset mit67 --root "$m"; rc=$?
check "mit67: a listed image that is missing is named with list and line" \
  '[ $rc = 1 ] && grep -q "TestImages.txt:2: .bar/b9.jpg. is listed, but" "$tmp/mit67x.log"' || cat "$tmp/mit67x.log"
run mit67l --dataset mit67 --root "$m" --labels x.txt; rc=$?
check "mit67 --labels is refused" '[ $rc = 1 ] && grep -q "takes no label list" "$tmp/mit67l.log"' || cat "$tmp/mit67l.log"

# flowers102: .mat files written with scipy (MATLAB v5)
if [ $have_scipy = 1 ]; then
  f=$tmp/flowers; mkdir -p "$f/jpg"
  img 0 0 "$f/jpg/image_00001.jpg"; img 1 0 "$f/jpg/image_00002.jpg"
  img 0 1 "$f/jpg/image_00003.jpg"; img 1 1 "$f/jpg/image_00004.jpg"
  $py -c '
import sys, numpy as np, scipy.io as s
s.savemat(sys.argv[1] + "/imagelabels.mat", {"labels": np.array([[1, 2, 1, 2]], dtype=float)}, do_compression=True)
s.savemat(sys.argv[1] + "/setid.mat", {"trnid": np.array([[4, 1]], dtype=np.uint16), "valid": np.array([[3]], dtype=np.uint16),
          "tstid": np.array([[2]], dtype=np.uint16)}, do_compression=True)' "$f"
  run flowers --dataset flowers102 --root "$f" --split train; rc=$?
  check "flowers102 --split train exits 0" '[ $rc = 0 ]' || cat "$tmp/flowers.log"
  check "flowers102 FNE file" 'fne "$tmp/flowers.h5" 2 "0 1" "jpg/image_00001.jpg|jpg/image_00004.jpg" "class_001|class_002" flowers102 train'
  rm "$f/jpg/image_00003.jpg"
  run flowersx --dataset flowers102 --root "$f"; rc=$?
  check "flowers102: a missing image is named" '[ $rc = 1 ] && grep -q "jpg/image_00003.jpg: no such image" "$tmp/flowersx.log"' || cat "$tmp/flowersx.log"
else
  echo "note: /usr/bin/python3 with scipy absent: flowers102 part skipped (no .mat writer)"
fi

# textures (DTD): fold 1; --labels N picks fold N
t=$tmp/dtd; mkdir -p "$t/images/banded" "$t/images/dotted" "$t/labels"
img 0 0 "$t/images/banded/banded_0001.jpg"; img 0 1 "$t/images/banded/banded_0002.jpg"
img 1 0 "$t/images/dotted/dotted_0001.jpg"; img 1 1 "$t/images/dotted/dotted_0002.jpg"
printf 'banded/banded_0001.jpg\ndotted/dotted_0001.jpg\n' > "$t/labels/train1.txt"
printf 'banded/banded_0002.jpg\n' > "$t/labels/val1.txt"
printf 'dotted/dotted_0002.jpg\n' > "$t/labels/test1.txt"
printf 'banded/banded_0002.jpg\n' > "$t/labels/train2.txt"
printf 'dotted/dotted_0002.jpg\n' > "$t/labels/val2.txt"
printf 'dotted/dotted_0001.jpg\nbanded/banded_0001.jpg\n' > "$t/labels/test2.txt"
run dtd --dataset textures --root "$t" --split test; rc=$?
check "textures --split test exits 0" '[ $rc = 0 ]' || cat "$tmp/dtd.log"
check "textures FNE file" 'fne "$tmp/dtd.h5" 1 "1" "images/dotted/dotted_0002.jpg" "banded|dotted" textures test'
# --labels picks the fold (fold 2 read by the C tests; here a missing fold 3, which fails before any forward)
run dtd3 --dataset textures --root "$t" --labels 3; rc=$?
check "textures --labels 3 asks for fold 3" '[ $rc = 1 ] && grep -q "labels/train3.txt: no such file (fold 3" "$tmp/dtd3.log"' || cat "$tmp/dtd3.log"

# wood: binary PPMs and a label list given by --labels
w=$tmp/knots; mkdir -p "$w"
for i in 1 2 3; do
  { printf 'P6\n24 16\n255\n'; head -c $((24 * 16 * 3)) /dev/urandom; } > "$w/knot0$i.ppm"
done
printf '# file class\nknot02.ppm sound knot\n\nknot01.ppm dry  # comment\nknot03.ppm\tsound knot\n' > "$tmp/wood labels.txt"
run wood --dataset wood --root "$w" --labels "$tmp/wood labels.txt"; rc=$?
check "wood --labels exits 0" '[ $rc = 0 ]' || cat "$tmp/wood.log"
check "wood FNE file" 'fne "$tmp/wood.h5" 3 "1 0 1" "knot02.ppm|knot01.ppm|knot03.ppm" "dry|sound knot" wood all'
run woodn --dataset wood --root "$w"; rc=$?
check "wood without names.txt names the missing list" '[ $rc = 1 ] && grep -q "knots/names.txt: no such label list" "$tmp/woodn.log"' || cat "$tmp/woodn.log"
run woods --dataset wood --root "$w" --labels "$tmp/wood labels.txt" --split test; rc=$?
check "wood --split test: the layout has no splits" '[ $rc = 1 ] && grep -q "this wood dataset of 3 images has no splits" "$tmp/woods.log"' || cat "$tmp/woods.log"
printf 'knot01.ppm dry\nknot04.ppm dry\n' > "$tmp/bad.txt"
run woodx --dataset wood --root "$w" --labels "$tmp/bad.txt"; rc=$?
check "wood: a missing image is named with list and line" '[ $rc = 1 ] && grep -q "bad.txt:2: .*knot04.ppm: no such image file" "$tmp/woodx.log"' || cat "$tmp/woodx.log"

run bad --dataset imagenet --root "$w"; rc=$?
check "unknown --dataset is a usage error listing the kinds" \
  '[ $rc = 2 ] && grep -q "expected folder, mit67, flowers102, textures or wood" "$tmp/bad.log"' || cat "$tmp/bad.log"
"$exe" extract --help | grep -q "flowers102: DIR/jpg/image_NNNNN.jpg"; check "--help describes the layouts" '[ $? = 0 ]'
exit $fail
