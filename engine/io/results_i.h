/* Internal: the per-row checks of the results file (results.c).
 *
 * - A check value: 64-bit FNV-1a over the fields of a row in order (the
 *   strings up to their terminator, then a 0 byte; numbers as their bytes),
 *   never 0 (0 is the fill value of /T_check: "not committed"). Stored in
 *   /graphs_check and /runs_check, entry i for row i.
 * - The field checks: what a row must hold to be a row fnegraph writes
 *   (SPEC: NMI in [0, 1], AMI <= 1, ...). They return why a row is wrong
 *   ("variant (expected paper or standard)") or NULL. */
#ifndef FNEGRAPH_IO_RESULTS_I_H
#define FNEGRAPH_IO_RESULTS_I_H

#include "fnegraph/results.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t fg_i_results_check_graph(const fg_graph_row *g);
uint64_t fg_i_results_check_run(const fg_run_row *r);
const char *fg_i_results_bad_graph(const fg_graph_row *g);
const char *fg_i_results_bad_run(const fg_run_row *r);
/* A FluidC row as files before the k-means baselines hold it: method
 * "fluidc", inertia NaN, restarts 0, seconds_kmeans 0. Its check value
 * covers the older fields only, so the check values of those files hold. */
bool fg_i_results_run_plain(const fg_run_row *r);
/* Set the fields an older file does not have to what its runs were (plain
 * FluidC). */
void fg_i_results_run_defaults(fg_run_row *r);
/* The bytes of the method fields a check value does not cover made as the
 * writer makes them: the method string's bytes after its terminator 0, a
 * plain FluidC row's NaN inertia the NaN fg_run_row_init writes. */
void fg_i_results_run_canonical(fg_run_row *r);
/* s[0..cap) up to its terminator, control and non-ASCII bytes as \xNN */
void fg_i_results_printable(const char *s, size_t cap, char *out, size_t n);

#endif
