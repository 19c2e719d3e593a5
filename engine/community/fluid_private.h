/* Internals of engine/community shared with the tests and benchmarks.
 * Connected components (the connectivity check's report, the largest
 * component `fnegraph cluster` runs on) come from the public API of
 * engine/graph (fg_components_find / fg_components_extract, graph.h). */
#ifndef FNEGRAPH_FLUID_PRIVATE_H
#define FNEGRAPH_FLUID_PRIVATE_H

#include "fnegraph/community.h"
#include "fnegraph/cpu.h"

/* Tests only: replace the current state by membership[n_vertices] (-1 =
 * unassigned, else 0..k-1; every community non-empty), recomputing the sizes,
 * densities and image counts. */
fg_status fg_i_fluid_force(fg_fluid *f, const int32_t *membership);

/* The dense read-back kernel (fluid_scan.c): max over c < k of
 * (sum of the four counter copies, `stride` apart) * dens[c]; 0 when all
 * counts are 0. Counts must be below 2^31. */
typedef double (*fg_i_fluid_best_fn)(const uint32_t *cnt, uint32_t stride, const double *dens, uint32_t k);
double fg_i_fluid_best_ref(const uint32_t *cnt, uint32_t stride, const double *dens, uint32_t k);
/* The fastest body up to min(want, the CPU's ISA) (simd/target.h). */
fg_i_fluid_best_fn fg_i_fluid_best_for(fg_isa isa);
/* The same from one row of 16-bit counts: max over c < k of row[c] * dens[c]. */
typedef double (*fg_i_fluid_best16_fn)(const uint16_t *row, const double *dens, uint32_t k);
double fg_i_fluid_best16_ref(const uint16_t *row, const double *dens, uint32_t k);
fg_i_fluid_best16_fn fg_i_fluid_best16_for(fg_isa isa);
/* Tests and benchmarks: use the kernels of this ISA (capped by the CPU's). */
void fg_i_fluid_set_isa(fg_fluid *f, fg_isa isa);

/* How a counting sweep reads a vertex's community counts back (fluidc.c):
 * per vertex (the default), always the dense pass over the k counters, or
 * always the touched list. All give the same result; tests force each. */
typedef enum fg_i_fluid_readback {
    FG_I_FLUID_READBACK_AUTO = 0,
    FG_I_FLUID_READBACK_DENSE = 1,
    FG_I_FLUID_READBACK_TOUCHED = 2
} fg_i_fluid_readback;
void fg_i_fluid_set_readback(fg_fluid *f, fg_i_fluid_readback how);
/* When a run switches to incremental sweeps (fluid_incr.c): when it pays (the
 * default), never, or from the first sweep where the table is allowed (tests).
 * All give the same result. */
typedef enum fg_i_fluid_incr_policy {
    FG_I_FLUID_INCR_WHEN_IT_PAYS = 0,
    FG_I_FLUID_INCR_NEVER = 1,
    FG_I_FLUID_INCR_FROM_START = 2
} fg_i_fluid_incr_policy;
void fg_i_fluid_set_incremental(fg_fluid *f, fg_i_fluid_incr_policy policy);
/* Sweeps done in incremental mode so far. */
uint32_t fg_i_fluid_incremental_sweeps(const fg_fluid *f);

#endif
