#!/bin/bash
# The shared library's ABI is the public API: libfnegraph.so exports exactly
# the declarations marked FG_API in include/fnegraph/ (no fg_i_ internal, no
# other symbol but the toolchain's), and every fg_ function a public header
# declares is marked (tests/check_exports.py).
set -u
for t in nm /usr/bin/python3; do command -v $t >/dev/null || { echo "SKIP: $t not found"; exit 77; }; done
lib=${FG_SHARED_LIB:?FG_SHARED_LIB not set}
/usr/bin/python3 "${FG_SOURCE_DIR:?}/tests/check_exports.py" "$FG_SOURCE_DIR/include" "$lib"
