/* Fluid Communities (Parés et al. 2017) on a fg_csr graph, in the standard
 * form and in the paper's modification (docs/method.md §6).
 *
 * A run is either one call (fg_fluid_run) or, to watch or time it sweep by
 * sweep, fg_fluid_create + fg_fluid_sweep until it converges or the caller
 * stops + fg_fluid_membership + fg_fluid_destroy. Both give the same result
 * for the same graph, options and seed. */
#ifndef FNEGRAPH_COMMUNITY_H
#define FNEGRAPH_COMMUNITY_H

#include "fnegraph/export.h"

#include "fnegraph/csr.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fg_fluid_variant {
    /* The paper's (the default): the k seeds are image vertices, and an image
     * vertex that is the last image of its community never moves. */
    FG_FLUID_PAPER = 0,
    /* Standard FluidC as NetworkX asyn_fluidc: seeds among all vertices. */
    FG_FLUID_STANDARD = 1
} fg_fluid_variant;

#define FG_FLUID_DEFAULT_MAX_ITER 100u

typedef struct fg_fluid_opts {
    uint32_t k;               /* number of communities, >= 1 */
    uint64_t seed;            /* seeds the fg_rng of the run */
    fg_fluid_variant variant;
    uint32_t max_iter;        /* fg_fluid_run: sweeps at most (NetworkX runs max_iter + 1);
                                 0 means FG_FLUID_DEFAULT_MAX_ITER */
} fg_fluid_opts;

/* The most communities a run of `variant` can have on a connected graph of
 * n_vertices vertices, n_images of them image vertices: n_images (paper:
 * every community is seeded on an image) or n_vertices (standard). The one
 * statement of that rule: fg_fluid_create, the pipeline and the commands'
 * early checks all ask it. */
FG_API uint32_t fg_fluid_max_communities(fg_fluid_variant variant, uint32_t n_images, uint32_t n_vertices);

/* "paper" / "standard"; NULL for an unknown value. */
FG_API const char *fg_fluid_variant_name(fg_fluid_variant v);
/* Parse "paper" / "standard"; FG_EINVAL naming the text otherwise. */
FG_API fg_status fg_fluid_variant_parse(const char *s, fg_fluid_variant *out);

typedef struct fg_fluid_result {
    int32_t *membership;  /* [n_vertices]: community 0..k-1; -1 only for a vertex that
                             no community reached before max_iter stopped the run */
    uint32_t n_vertices;
    uint32_t k;
    uint32_t sweeps;      /* sweeps done (the converging sweep included) */
    bool converged;       /* the last sweep moved no vertex */
} fg_fluid_result;

/* The whole run: create, sweep until a sweep moves nothing or max_iter sweeps
 * are done, copy out the membership. Errors as fg_fluid_create. */
FG_API fg_status fg_fluid_run(const fg_csr *g, const fg_fluid_opts *opts, fg_fluid_result *out);
/* Free out->membership; accepts a zeroed result and leaves it zeroed. */
FG_API void fg_fluid_result_destroy(fg_fluid_result *r);

/* A run in progress. */
typedef struct fg_fluid fg_fluid;

/* Check the input and place the k seeds. Errors (FG_EINVAL): an empty graph;
 * k < 1; k larger than the number of image vertices (paper variant) or of
 * vertices (standard); a graph that is not connected (the message gives the
 * number of components and the size of the largest, and suggests running on
 * the largest one). O(n + m) for the connectivity check. The graph must stay
 * alive and unchanged until fg_fluid_destroy. */
FG_API fg_status fg_fluid_create(const fg_csr *g, const fg_fluid_opts *opts, fg_fluid **out);
/* One sweep over all vertices in a fresh random order; *moved (may be NULL)
 * gets the number of vertices that changed community (0: converged). It
 * does not look at max_iter: the caller decides when to stop (fg_fluid_run
 * stops after max_iter sweeps). O(n + m). */
FG_API fg_status fg_fluid_sweep(fg_fluid *f, uint64_t *moved);
/* Sweeps done so far. */
FG_API uint32_t fg_fluid_sweeps(const fg_fluid *f);
/* Copy the current membership into out[n_vertices] (-1: not yet reached). */
FG_API void fg_fluid_membership(const fg_fluid *f, int32_t *out);
/* Current size of community c (0 <= c < k). */
FG_API uint32_t fg_fluid_size(const fg_fluid *f, uint32_t c);
/* Free; NULL is fine. */
FG_API void fg_fluid_destroy(fg_fluid *f);

#ifdef __cplusplus
}
#endif
#endif
