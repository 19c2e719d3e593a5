/* Per-row checks of the results file: check values and field validation
 * (results_i.h). O(fields) per row. */
#include "results_i.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void h_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 0x100000001b3ULL;
    }
}

static void h_str(uint64_t *h, const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    h_bytes(h, s, n);
    h_bytes(h, "", 1);
}

#define H(h, x) h_bytes(h, &(x), sizeof(x))

uint64_t fg_i_results_check_graph(const fg_graph_row *g)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h_str(&h, g->dataset, sizeof g->dataset);
    H(&h, g->lo); H(&h, g->hi); H(&h, g->k);
    H(&h, g->n_images); H(&h, g->n_vertices); H(&h, g->n_vertices_nonisolated);
    H(&h, g->n_edges); H(&h, g->n_edges_if); H(&h, g->n_edges_ff);
    H(&h, g->n_components); H(&h, g->largest_component); H(&h, g->largest_component_images);
    H(&h, g->seconds_graph);
    return h ? h : 1; /* 0 is the fill value: "not committed" */
}

uint64_t fg_i_results_check_run(const fg_run_row *r)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h_str(&h, r->dataset, sizeof r->dataset);
    H(&h, r->lo); H(&h, r->hi); H(&h, r->k);
    H(&h, r->communities); H(&h, r->seed);
    h_str(&h, r->variant, sizeof r->variant);
    H(&h, r->n_images_scored); H(&h, r->n_images_outside); H(&h, r->sweeps); H(&h, r->converged);
    h_bytes(&h, r->nmi, sizeof r->nmi);
    h_bytes(&h, r->ami, sizeof r->ami);
    H(&h, r->seconds_fluidc); H(&h, r->seconds_score);
    if (!fg_i_results_run_plain(r)) { /* the fields of the k-means baselines */
        h_str(&h, r->method, sizeof r->method);
        H(&h, r->inertia); H(&h, r->restarts); H(&h, r->seconds_kmeans);
    }
    return h ? h : 1;
}

bool fg_i_results_run_plain(const fg_run_row *r)
{
    return !strncmp(r->method, "fluidc", sizeof r->method) && isnan(r->inertia) && r->restarts == 0 &&
           r->seconds_kmeans == 0;
}

void fg_i_results_run_canonical(fg_run_row *r)
{
    const size_t n = strnlen(r->method, sizeof r->method);
    if (n < sizeof r->method) memset(r->method + n, 0, sizeof r->method - n);
    if (fg_i_results_run_plain(r)) r->inertia = NAN;
}

void fg_run_row_init(fg_run_row *r)
{
    memset(r, 0, sizeof *r);
    fg_i_results_run_defaults(r);
}

void fg_i_results_run_defaults(fg_run_row *r)
{
    memset(r->method, 0, sizeof r->method);
    memcpy(r->method, "fluidc", 7);
    r->inertia = NAN;
    r->restarts = 0;
    r->seconds_kmeans = 0;
}

/* ---- validation of the fields of one row ---- */

/* A dataset name as `[dataset NAME]` allows: letters, digits, _ - . */
static bool name_ok(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == 0 || n == cap) return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.') return false;
    return true;
}

void fg_i_results_printable(const char *s, size_t cap, char *out, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < cap && s[i] && o + 5 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) out[o++] = (char)c;
        else o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

/* Why the keys (dataset, lo, hi, k) are wrong, or NULL. */
static const char *bad_keys(const char *dataset, double lo, double hi, double k)
{
    if (!name_ok(dataset, 64)) return "dataset (expected a name of letters, digits, '_', '-', '.')";
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi)) return "lo/hi (expected finite thresholds with lo < hi)";
    if (!isfinite(k) || !(k > 0)) return "k (expected a finite k > 0)";
    return NULL;
}

const char *fg_i_results_bad_graph(const fg_graph_row *g)
{
    const char *why = bad_keys(g->dataset, g->lo, g->hi, g->k);
    if (why) return why;
    const int64_t c[] = {g->n_images, g->n_vertices, g->n_vertices_nonisolated, g->n_edges, g->n_edges_if,
                         g->n_edges_ff, g->n_components, g->largest_component, g->largest_component_images};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (c[i] < 0) return "a count (expected counts >= 0)";
    if (!isfinite(g->seconds_graph) || g->seconds_graph < 0) return "seconds_graph (expected a finite time >= 0)";
    return NULL;
}

const char *fg_i_results_bad_run(const fg_run_row *r)
{
    const char *why = bad_keys(r->dataset, r->lo, r->hi, r->k);
    if (why) return why;
    if (strcmp(r->variant, "paper") && strcmp(r->variant, "standard"))
        return "variant (expected paper or standard)";
    if (r->communities < 1) return "communities (expected >= 1)";
    if (r->seed < 0) return "seed (expected >= 0)";
    if (r->n_images_scored < 0 || r->n_images_outside < 0 || r->sweeps < 0) return "a count (expected >= 0)";
    if (r->converged != 0 && r->converged != 1) return "converged (expected 0 or 1)";
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        if (!isfinite(r->nmi[i]) || r->nmi[i] < 0 || r->nmi[i] > 1 + 1e-9) return "an NMI (expected 0 <= NMI <= 1)";
        if (!isfinite(r->ami[i]) || r->ami[i] > 1 + 1e-9) return "an AMI (expected a finite AMI <= 1)";
    }
    if (!isfinite(r->seconds_fluidc) || r->seconds_fluidc < 0 || !isfinite(r->seconds_score) || r->seconds_score < 0 ||
        !isfinite(r->seconds_kmeans) || r->seconds_kmeans < 0)
        return "seconds (expected finite times >= 0)";
    if (!strncmp(r->method, "fluidc", sizeof r->method)) {
        if (!isnan(r->inertia) || r->restarts != 0)
            return "inertia/restarts (expected NaN and 0 for a FluidC run)";
    } else if (!strncmp(r->method, "kmeans", sizeof r->method) || !strncmp(r->method, "kmeans-ternary", sizeof r->method)) {
        if (!isfinite(r->inertia) || r->inertia < 0 || r->restarts < 1)
            return "inertia/restarts (expected a finite inertia >= 0 and restarts >= 1 for a k-means run)";
    } else {
        return "method (expected fluidc, kmeans or kmeans-ternary)";
    }
    return NULL;
}

