/* FG_API: marks a declaration of the public API, the only symbols the shared
 * library libfnegraph exports. The library is compiled with hidden visibility
 * by default (engine/CMakeLists.txt), so a function without FG_API on its
 * declaration in include/fnegraph/ stays internal: the cross-file fg_i_*
 * functions of engine/ reach the CLI, tests, benchmarks and fuzz targets
 * through the static library fnegraph_internal, never through the .so.
 * tests/test_exports.sh checks that the .so exports exactly the FG_API set.
 * For a user of the library the attribute changes nothing. */
#ifndef FNEGRAPH_EXPORT_H
#define FNEGRAPH_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define FG_API __attribute__((visibility("default")))
#else
#define FG_API
#endif

#endif
