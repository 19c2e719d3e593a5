/* The MPI sweep's entry and its workers (sweep_mpi.h). MPI is started with
 * MPI_THREAD_SERIALIZED, checked: a worker's rows are sent from whichever
 * OpenMP thread finishes a run (the runner hands them over one at a time,
 * under its critical section), so MPI is called from several threads but
 * never from two at once; on rank 0 only the main thread (the coordinator)
 * calls MPI, its worker thread talks to it through memory. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "sweep_mpi.h"
#include "sweep_mpi_i.h"
#include "sweep_worker_shard.h"

#include "cli.h"
#include "fnegraph/mem.h"

#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool fg_sweep_mpi_launched(void)
{
    /* OpenMPI's mpirun, and PMIx / PMI launchers (srun --mpi=pmix, hydra) */
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i])) return true;
    return false;
}

void fg_sweep_mpi_library(char *lib, size_t n, int *version, int *subversion)
{
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(v, &len); /* allowed before MPI_Init */
    v[len < (int)sizeof v ? len : (int)sizeof v - 1] = '\0';
    v[strcspn(v, "\n")] = '\0';
    /* "Open MPI v4.1.4, package: ..., ident: ..., repo rev: ..., ..." -> up to the first comma */
    v[strcspn(v, ",")] = '\0';
    snprintf(lib, n, "%s", v);
    MPI_Get_version(version, subversion);
}

void fg_mpi_backoff(long *us)
{
    struct timespec ts = {0, *us * 1000};
    nanosleep(&ts, NULL);
    *us = *us * 2 > 2000 ? 2000 : *us * 2;
}

fg_status fg_mpi_local_push(fg_mpi_local *l, int tag, const void *a, size_t na, const void *b, size_t nb)
{
    fg_mpi_msg *m = malloc(sizeof *m + na + nb);
    if (!m) return FG_FAIL(FG_ENOMEM, "a message to the coordinator (%zu bytes)", na + nb);
    m->next = NULL;
    m->tag = tag;
    m->len = na + nb;
    if (na) memcpy(m->data, a, na);
    if (nb) memcpy(m->data + na, b, nb);
    pthread_mutex_lock(&l->mu);
    if (l->tail) l->tail->next = m;
    else l->head = m;
    l->tail = m;
    pthread_cond_signal(&l->to_coord);
    pthread_mutex_unlock(&l->mu);
    return FG_OK;
}

/* ---- a worker ---- */

typedef struct wk {
    fg_mpi_worker_args *a;
    const fg_sweep_plan *plan;
    fg_mpi_task *task;          /* the unit in hand, its pairs after it */
    const fg_mpi_pair *pairs;
} wk;

static fg_status wk_send(wk *w, int tag, const void *p, size_t n, const void *q, size_t nq)
{
    if (w->a->local) return fg_mpi_local_push(w->a->local, tag, p, n, q, nq);
    unsigned char stackbuf[4096], *buf = stackbuf;
    if (n + nq > sizeof stackbuf && !(buf = malloc(n + nq)))
        return FG_FAIL(FG_ENOMEM, "a message to rank 0 (%zu bytes)", n + nq);
    memcpy(buf, p, n);
    if (nq) memcpy(buf + n, q, nq);
    int rc = MPI_Send(buf, (int)(n + nq), MPI_BYTE, 0, tag, MPI_COMM_WORLD);
    if (buf != stackbuf) free(buf);
    return rc == MPI_SUCCESS ? FG_OK : FG_FAIL(FG_EIO, "MPI_Send to rank 0 failed (error %d)", rc);
}

/* The next task (owned by the caller): waits without spinning. */
static fg_status wk_recv(wk *w, fg_mpi_task **out)
{
    *out = NULL;
    fg_mpi_local *l = w->a->local;
    if (l) {
        pthread_mutex_lock(&l->mu);
        while (!l->task) pthread_cond_wait(&l->to_worker, &l->mu);
        *out = l->task;
        l->task = NULL;
        pthread_mutex_unlock(&l->mu);
        return FG_OK;
    }
    MPI_Status s;
    int flag = 0, n = 0;
    long us = 50;
    for (;;) {
        if (MPI_Iprobe(0, FG_TAG_TASK, MPI_COMM_WORLD, &flag, &s) != MPI_SUCCESS)
            return FG_FAIL(FG_EIO, "MPI_Iprobe for the next task failed");
        if (flag) break;
        fg_mpi_backoff(&us);
    }
    MPI_Get_count(&s, MPI_BYTE, &n);
    if (n < (int)sizeof(fg_mpi_task)) return FG_FAIL(FG_EFORMAT, "a task of %d bytes from rank 0", n);
    fg_mpi_task *t = malloc((size_t)n);
    if (!t) return FG_FAIL(FG_ENOMEM, "a task of %d bytes", n);
    if (MPI_Recv(t, n, MPI_BYTE, 0, FG_TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
        free(t);
        return FG_FAIL(FG_EIO, "MPI_Recv of a task failed");
    }
    if (t->n_runs < 0 || (size_t)n != sizeof *t + (size_t)t->n_runs * sizeof(fg_mpi_pair)) {
        free(t);
        return FG_FAIL(FG_EFORMAT, "a task of %d bytes from rank 0 does not hold its runs", n);
    }
    *out = t;
    return FG_OK;
}

/* The keys of the task in hand? (a worker writes the rows of its task only) */
static bool wk_is_task(const wk *w, const char *ds, double lo, double hi, double k)
{
    const fg_mpi_task *t = w->task;
    if (!t || t->kind != FG_UNIT_GRAPH) return false;
    const fg_sweep_config *cfg = w->a->cfg;
    return !strcmp(ds, w->plan->d[t->di].cfg->name) && lo == cfg->lo[t->t] && hi == cfg->hi[t->t] &&
           k == cfg->k[t->kk];
}

static bool wk_has_graph(void *ctx, const char *ds, double lo, double hi, double k)
{
    wk *w = ctx;
    return wk_is_task(w, ds, lo, hi, k) ? w->task->have_graph != 0 : true;
}

/* The k-means unit in hand, of method `method`, and (kmeans-ternary) of threshold (lo, hi)? */
static bool wk_is_kmeans_task(const wk *w, const char *ds, double lo, double hi, const char *method)
{
    const fg_mpi_task *t = w->task;
    if (!t || t->kind != FG_UNIT_KMEANS || strcmp(method, fg_method_name((fg_method)t->kk)) ||
        strcmp(ds, w->plan->d[t->di].cfg->name))
        return false;
    return t->kk == FG_METHOD_KMEANS || (lo == w->a->cfg->lo[t->t] && hi == w->a->cfg->hi[t->t]);
}

static bool wk_has_run(void *ctx, const char *ds, double lo, double hi, double k, int64_t comm, int64_t seed,
                       const char *variant, const char *method)
{
    wk *w = ctx;
    (void)variant; /* one variant a config */
    /* a pair of the unit is run and its rows sent for every cell; rank 0
     * keeps those it lacks (never a row twice) */
    if (!(strcmp(method, "fluidc") ? wk_is_kmeans_task(w, ds, lo, hi, method) : wk_is_task(w, ds, lo, hi, k)))
        return true;
    for (int32_t i = 0; i < w->task->n_runs; i++)
        if (w->pairs[i].communities == comm && w->pairs[i].seed == seed) return false;
    return true;
}

static fg_status wk_add_graph(void *ctx, const fg_graph_row *row)
{
    return wk_send(ctx, FG_TAG_GRAPH, row, sizeof *row, NULL, 0);
}

static fg_status wk_add_run(void *ctx, const fg_run_row *row)
{
    return wk_send(ctx, FG_TAG_RUN, row, sizeof *row, NULL, 0);
}

void fg_mpi_worker_run(fg_mpi_worker_args *a)
{
    wk w = {a, a->plan, NULL, NULL};
    fg_sweep_plan own;
    memset(&own, 0, sizeof own);
    fg_sweep_summary sum;
    memset(&sum, 0, sizeof sum);
    const fg_sweep_rows rows = {&w, wk_has_graph, wk_has_run, wk_add_graph, wk_add_run};
    run_ctx *c = NULL;
    fg_sweep_worker sw;
    memset(&sw, 0, sizeof sw);
    sw.di = sw.t = -1;
    fg_mpi_ask ask;
    memset(&ask, 0, sizeof ask);
    fg_status st = FG_OK;
    if (!w.plan) { /* listing the datasets is cheap: each rank has its own */
        st = fg_sweep_plan_make(a->cfg, NULL, &own);
        w.plan = &own;
    }
    if (st == FG_OK) st = fg_sweep_i_ctx_new(a->cfg, a->o, &sum, NULL, &rows, false, &c);
    if (st == FG_OK) fg_sweep_worker_init(&sw, c, a->cfg, w.plan);
    for (;;) {
        ask.status = (int32_t)st;
        const char *msg = st != FG_OK ? fg_last_error() : "";
        ask.msg_len = (int32_t)strlen(msg);
        ask.loaded_di = sw.di;
        ask.loaded_t = sw.t;
        fg_status sst = wk_send(&w, FG_TAG_ASK, &ask, sizeof ask, msg, (size_t)ask.msg_len);
        if (sst != FG_OK) {
            st = sst;
            break;
        }
        fg_mpi_task *t = NULL;
        if ((sst = wk_recv(&w, &t)) != FG_OK) {
            st = sst;
            break;
        }
        if (t->kind == FG_UNIT_STOP) {
            /* the error went to rank 0 with the request it answered: rank 0
             * prints it and fails the job (a rank ending non-zero first
             * would make mpirun kill rank 0 before it says why) */
            if (st != FG_OK) a->reported = true;
            free(t);
            break;
        }
        w.task = t;
        w.pairs = (const fg_mpi_pair *)(t + 1);
        memset(&ask, 0, sizeof ask);
        ask.kind = t->kind;
        ask.di = t->di;
        ask.t = t->t;
        ask.kk = t->kk;
        const int64_t imp0 = sum.runs_impossible;
        const bool km = t->kind == FG_UNIT_KMEANS;
        if (st != FG_OK || t->di < 0 || t->di >= w.plan->n || t->t < (km ? -1 : 0) ||
            t->t >= a->cfg->n_thresholds ||
            (km ? (t->kk != FG_METHOD_KMEANS && t->kk != FG_METHOD_KMEANS_TERNARY) ||
                      (t->kk == FG_METHOD_KMEANS_TERNARY && t->t < 0)
                : t->kk < 0 || t->kk >= a->cfg->n_k)) {
            if (st == FG_OK) st = FG_FAIL(FG_EFORMAT, "a task from rank 0 names no unit of the config");
        } else if (t->kind == FG_UNIT_EXTRACT) {
            st = fg_sweep_worker_extract(&sw, t->di);
        } else if (t->kind == FG_UNIT_SHARD) {
            char path[4096];
            fg_sweep_shard_path(w.plan->d[t->di].cfg->fne, t->first, t->count, path, sizeof path);
            st = fg_sweep_i_extract_range(c, &w.plan->d[t->di], path, t->first, t->count);
        } else if (t->kind == FG_UNIT_MERGE) {
            st = fg_sweep_shards_merge(&w.plan->d[t->di], t->count);
        } else if (km) {
            st = fg_sweep_worker_kmeans(&sw, t->di, (fg_method)t->kk, t->t);
        } else {
            st = fg_sweep_worker_graph(&sw, t->di, t->t, t->kk);
        }
        ask.impossible = sum.runs_impossible - imp0;
        w.task = NULL;
        free(t);
    }
    a->st = st;
    fg_sweep_worker_release(&sw);
    fg_sweep_i_ctx_free(c);
    if (w.plan == &own) fg_sweep_plan_destroy(&own);
}

void *fg_mpi_worker_thread(void *a)
{
    fg_mpi_worker_run(a);
    return NULL;
}

/* ---- the entry ---- */

/* Threads a rank: the config's, else OMP_NUM_THREADS, else the cores the
 * rank is bound to; a rank bound to no core in particular (mpirun
 * --bind-to none) takes its share of the node's cores. */
static int rank_threads(const fg_sweep_config *cfg, int local_ranks)
{
    if (cfg->threads > 0) return cfg->threads;
    const char *e = getenv("OMP_NUM_THREADS");
    if (e && atoi(e) > 0) return atoi(e);
    cpu_set_t set;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int mine = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : (int)online;
    if (online > 0 && mine >= online && local_ranks > 1) mine = (int)(online / local_ranks);
    return mine > 0 ? mine : 1;
}

/* The distinct names of names[n][len], comma-separated. */
static char *join_hosts(const char *names, int n, int len)
{
    char *out = calloc((size_t)n, (size_t)len + 1);
    if (!out) return NULL;
    for (int i = 0; i < n; i++) {
        const char *h = names + (size_t)i * (size_t)len;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++) seen = !strcmp(h, names + (size_t)j * (size_t)len);
        if (seen) continue;
        if (*out) strcat(out, ",");
        strcat(out, h);
    }
    return out;
}

fg_status fg_sweep_mpi_execute(fg_sweep_config *cfg, const fg_sweep_exec_opts *o, fg_sweep_summary *sum,
                               bool *report)
{
    memset(sum, 0, sizeof *sum);
    *report = true;
    int provided = 0, rank = 0, size = 1;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return FG_FAIL(FG_EBACKEND, "MPI_Init_thread failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *report = rank == 0;
    fg_status st = FG_OK;
    char *names = NULL, *hosts = NULL;
    if (provided < MPI_THREAD_SERIALIZED) {
        st = FG_FAIL(FG_EBACKEND, "the MPI library gives thread level %d, the sweep needs MPI_THREAD_SERIALIZED (%d)",
                     provided, MPI_THREAD_SERIALIZED);
        goto done;
    }
    if (o->dry_run) { /* the plan: rank 0 alone */
        if (rank == 0) st = fg_sweep_execute(cfg, o, sum);
        goto done;
    }
    MPI_Comm node;
    int local_ranks = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
        MPI_Comm_size(node, &local_ranks);
        MPI_Comm_free(&node);
    }
    cfg->threads = rank_threads(cfg, local_ranks);
    char me[MPI_MAX_PROCESSOR_NAME + 1];
    memset(me, 0, sizeof me);
    int len = 0;
    MPI_Get_processor_name(me, &len);
    if (rank == 0) names = calloc((size_t)size, sizeof me);
    MPI_Gather(me, (int)sizeof me, MPI_CHAR, names, (int)sizeof me, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        hosts = names ? join_hosts(names, size, (int)sizeof me) : NULL;
        st = fg_mpi_coordinate(cfg, o, size, hosts ? hosts : me, sum);
    } else {
        setenv("FNEGRAPH_QUIET", "1", 1); /* progress lines come from rank 0 only */
        fg_mpi_worker_args a = {cfg, NULL, o, NULL, FG_OK, false};
        fg_mpi_worker_run(&a);
        st = a.reported ? FG_OK : a.st;
    }
done:
    free(names);
    free(hosts);
    MPI_Finalize();
    return st;
}
