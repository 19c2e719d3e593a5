/* Reference Fluid Communities for the tests: NetworkX 2.8's asyn_fluidc
 * written out step by step (scores as running sums of densities, neighbour
 * communities gathered, sorted and run-length counted), plus the paper's two
 * rules, drawing from fg_rng in the order engine/community/fluidc.c does:
 * seeds by a partial Fisher-Yates shuffle of the pool, one full shuffle per
 * sweep, fg_rng_below(candidates) only when there are several, candidates
 * in ascending community order. Independent of fluidc.c's counters, paths
 * and packed arrays. */
#ifndef FNEGRAPH_REF_FLUIDC_H
#define FNEGRAPH_REF_FLUIDC_H

#include "fnegraph/csr.h"

#include <stdint.h>

/* membership[n_vertices] gets 0..k-1 or -1 (never reached); returns 0, or -1
 * on bad input or no memory. */
int ref_fluidc(const fg_csr *g, uint32_t k, uint64_t seed, int paper, uint32_t max_iter, int32_t *membership,
               uint32_t *sweeps, int *converged);

#endif
