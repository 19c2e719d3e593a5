/* Rank 0 of the MPI sweep (sweep_mpi.h): the plan, the results file, the
 * units handed out on request, the rows appended as they arrive. Messages
 * come from the ranks over MPI and from rank 0's own worker thread through
 * memory; between them the coordinator sleeps (a condition wait on the
 * local queue, woken by its worker at once, bounded by a back-off of up to
 * 10 ms for MPI's: at 2 ms the wake-ups alone were ~1 % of a core, at 10 ms
 * they are ~0.2 %, and a rank's request waits at most 10 ms, against units
 * of seconds; measured with bench/bench_mpi.py). */
#include "sweep_mpi_i.h"
#include "sweep_kmeans.h"
#include "sweep_timeline.h"
#include "sweep_worker_shard.h"

#include "cli.h"
#include "fnegraph/community.h"
#include "fnegraph/mem.h"

#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum { COORD_MAX_SLEEP_US = 10000 }; /* the coordinator's longest sleep between polls */
enum { U_PENDING = 0, U_FLIGHT = 1, U_DONE = 2 };

typedef struct coord {
    fg_sweep_config *cfg;
    const fg_sweep_exec_opts *o;
    fg_sweep_plan plan;
    fg_results *res;
    fg_sweep_summary *sum;
    int n_ranks, n_active;
    int64_t n_units;
    signed char *ustate;   /* [n_units] */
    signed char *estate;   /* [datasets]: extraction U_PENDING / U_FLIGHT / U_DONE */
    int *di, *t;           /* [n_ranks]: what a rank has loaded */
    int64_t *busy;         /* [n_ranks]: its graph task (-1 none) */
    int *bkind, *bdi;      /* [n_ranks]: its extraction unit (FG_UNIT_EXTRACT/SHARD/MERGE, 0 none) */
    int64_t *bshard;       /* [n_ranks]: the shard */
    int64_t *shard_size;   /* [datasets]: 0 the dataset is extracted whole */
    int64_t *n_shards;
    signed char **sstate;  /* [datasets][n_shards] */
    signed char *mstate;   /* [datasets]: the merge */
    bool *waiting, *stopped;
    fg_progress prog;
    bool prog_started;
    uint64_t prog_done;
    volatile sig_atomic_t local_cancel;
    bool failing, cancelled;
    fg_status err;
    char errmsg[2048];
    int n_err;
    fg_mpi_local local;
    fg_sweep_timeline *tl;  /* --timeline: NULL none */
    fg_tl_event *ev;        /* [n_ranks]: the unit in hand, as the timeline will say */
    bool *ev_on;
    int64_t n_msgs;         /* messages handled */
    /* libhdf5 is not thread-safe: while rank 0's worker thread is in a unit
     * (it reads FNE files, forks the HDF5 vetting child, writes caches) the
     * coordinator does not call it; rows arriving then are held and appended
     * when that worker asks for its next unit (or at the end) */
    bool local_busy;
    fg_mpi_msg *held_head, *held_tail;
} coord;

static void fail_rank(coord *c, int r, fg_status st, const char *msg)
{
    c->failing = true;
    c->local_cancel = 1;
    if (c->n_err++ == 0) {
        c->err = st;
        int k = c->n_ranks > 1 ? snprintf(c->errmsg, sizeof c->errmsg, "rank %d: ", r) : 0;
        snprintf(c->errmsg + k, sizeof c->errmsg - (size_t)k, "%.*s", (int)(sizeof c->errmsg - 32), msg);
    }
}

static void send_task(coord *c, int r, const fg_mpi_task *t, const fg_mpi_pair *pairs)
{
    const size_t n = sizeof *t + (size_t)t->n_runs * sizeof *pairs;
    if (r == 0) {
        fg_mpi_task *m = malloc(n);
        if (!m) { /* a few bytes: its worker would wait for ever */
            fputs("fnegraph sweep: rank 0: out of memory for a task\n", stderr);
            abort();
        }
        memcpy(m, t, sizeof *t);
        if (t->n_runs && pairs) memcpy(m + 1, pairs, (size_t)t->n_runs * sizeof *pairs);
        c->local_busy = t->kind != FG_UNIT_STOP;
        pthread_mutex_lock(&c->local.mu);
        c->local.task = m;
        c->local.task_len = n;
        pthread_cond_signal(&c->local.to_worker);
        pthread_mutex_unlock(&c->local.mu);
        return;
    }
    unsigned char *buf = malloc(n);
    int rc = MPI_ERR_OTHER;
    if (buf) {
        memcpy(buf, t, sizeof *t);
        if (t->n_runs && pairs) memcpy(buf + sizeof *t, pairs, (size_t)t->n_runs * sizeof *pairs);
        rc = MPI_Send(buf, (int)n, MPI_BYTE, r, FG_TAG_TASK, MPI_COMM_WORLD);
        free(buf);
    }
    if (rc != MPI_SUCCESS) fail_rank(c, r, FG_EIO, "cannot send it a task");
}

static void stop_rank(coord *c, int r)
{
    if (c->stopped[r]) return;
    const fg_mpi_task t = {FG_UNIT_STOP, 0, 0, 0, 0, 0, 0, 0};
    send_task(c, r, &t, NULL);
    c->stopped[r] = true;
    c->waiting[r] = false;
    c->n_active--;
}

static bool any_flight_on(const coord *c, int r, int di, int t)
{
    for (int q = 0; q < c->n_ranks; q++)
        if (q != r && c->busy[q] >= 0) {
            int d2, t2, k2;
            fg_sweep_unit_keys(c->cfg, c->busy[q], &d2, &t2, &k2);
            if (d2 == di && t2 == t) return true;
        }
    return false;
}

typedef struct pick_t {
    int kind, di;
    int64_t u; /* graph task, or shard index */
} pick_t;

static bool shards_done(const coord *c, int d)
{
    for (int64_t s = 0; s < c->n_shards[d]; s++)
        if (c->sstate[d][s] != U_DONE) return false;
    return true;
}

/* The unit for rank r: a graph task of its loaded (dataset, threshold), of
 * its dataset, a merge whose shards are done, a shard or a whole extraction
 * to start, a (dataset, threshold) no other rank is on, any graph task.
 * kind FG_UNIT_NONE: nothing ready now. */
static pick_t pick(const coord *c, int r)
{
    int64_t same_ds = -1, free_grp = -1, any = -1;
    for (int64_t u = 0; u < c->n_units; u++) {
        if (c->ustate[u] != U_PENDING) continue;
        int di, t, kk;
        fg_sweep_unit_keys(c->cfg, u, &di, &t, &kk);
        if (c->estate[di] != U_DONE) continue;
        if (di == c->di[r] && t == c->t[r]) return (pick_t){FG_UNIT_GRAPH, di, u};
        if (di == c->di[r] && same_ds < 0 && !any_flight_on(c, r, di, t)) same_ds = u;
        if (free_grp < 0 && !any_flight_on(c, r, di, t)) free_grp = u;
        if (any < 0) any = u;
    }
    if (same_ds >= 0) return (pick_t){FG_UNIT_GRAPH, 0, same_ds};
    for (int d = 0; d < c->plan.n; d++)
        if (c->estate[d] == U_FLIGHT && c->shard_size[d] && c->mstate[d] == U_PENDING && shards_done(c, d))
            return (pick_t){FG_UNIT_MERGE, d, 0};
    for (int d = 0; d < c->plan.n; d++) {
        if (c->estate[d] == U_DONE) continue;
        if (!c->shard_size[d]) {
            if (c->estate[d] == U_PENDING) return (pick_t){FG_UNIT_EXTRACT, d, 0};
            continue;
        }
        for (int64_t s = 0; s < c->n_shards[d]; s++)
            if (c->sstate[d][s] == U_PENDING) return (pick_t){FG_UNIT_SHARD, d, s};
    }
    if (free_grp >= 0) return (pick_t){FG_UNIT_GRAPH, 0, free_grp};
    if (any >= 0) return (pick_t){FG_UNIT_GRAPH, 0, any};
    return (pick_t){FG_UNIT_NONE, 0, -1};
}

/* Can a rank still get work? (units not handed out yet; those in flight
 * make no new ones) */
static bool work_left(const coord *c)
{
    for (int64_t u = 0; u < c->n_units; u++)
        if (c->ustate[u] == U_PENDING) return true;
    return false;
}

/* The unit m handed to rank r starts now (on the timeline). */
static void tl_begin(coord *c, int r, const fg_mpi_task *m)
{
    if (!c->tl) return;
    static const fg_tl_kind kinds[] = {[FG_UNIT_EXTRACT] = FG_TL_EXTRACT, [FG_UNIT_GRAPH] = FG_TL_GRAPH,
                                       [FG_UNIT_SHARD] = FG_TL_SHARD, [FG_UNIT_MERGE] = FG_TL_MERGE,
                                       [FG_UNIT_KMEANS] = FG_TL_KMEANS};
    const fg_sweep_plan_ds *pd = &c->plan.d[m->di];
    fg_tl_event e = fg_tl_event_init(kinds[m->kind], pd->cfg->name);
    e.rank = r;
    e.start = fg_sweep_timeline_now(c->tl);
    if (m->kind == FG_UNIT_KMEANS) {
        if (m->kk == FG_METHOD_KMEANS_TERNARY) e.kind = FG_TL_KMEANS_TERNARY;
        if (m->t >= 0) {
            e.lo = c->cfg->lo[m->t];
            e.hi = c->cfg->hi[m->t];
        }
        e.runs = m->n_runs;
    } else if (m->kind == FG_UNIT_SHARD) {
        e.first = m->first;
        e.images = m->count;
    } else if (m->kind != FG_UNIT_GRAPH) {
        e.images = pd->ds.n;
    } else {
        e.lo = c->cfg->lo[m->t];
        e.hi = c->cfg->hi[m->t];
        e.k = c->cfg->k[m->kk];
        e.runs = m->n_runs;
    }
    c->ev[r] = e;
    c->ev_on[r] = true;
}

/* Rank r's unit ended now, well or not. */
static void tl_end(coord *c, int r, bool ok)
{
    if (!c->tl || !c->ev_on[r]) return;
    c->ev[r].end = fg_sweep_timeline_now(c->tl);
    c->ev[r].ok = ok;
    fg_sweep_timeline_add(c->tl, &c->ev[r]);
    c->ev_on[r] = false;
}

static void serve(coord *c, int r)
{
    if (c->failing || c->cancelled) {
        stop_rank(c, r);
        return;
    }
    const pick_t p = pick(c, r);
    if (p.kind == FG_UNIT_NONE) {
        if (work_left(c)) c->waiting[r] = true; /* answered when an extraction ends */
        else stop_rank(c, r);
        return;
    }
    c->waiting[r] = false;
    if (p.kind != FG_UNIT_GRAPH) {
        const int d = p.di;
        fg_mpi_task m = {p.kind, d, 0, 0, 0, 0, 0, 0};
        c->estate[d] = U_FLIGHT;
        if (p.kind == FG_UNIT_SHARD) {
            const int64_t n = c->plan.d[d].ds.n, S = c->shard_size[d];
            m.first = p.u * S;
            m.count = m.first + S < n ? S : n - m.first;
            c->sstate[d][p.u] = U_FLIGHT;
        } else if (p.kind == FG_UNIT_MERGE) {
            m.count = c->shard_size[d];
            c->mstate[d] = U_FLIGHT;
        }
        c->bkind[r] = p.kind;
        c->bdi[r] = d;
        c->bshard[r] = p.u;
        tl_begin(c, r, &m);
        send_task(c, r, &m, NULL);
        return;
    }
    const int64_t u = p.u;
    int di, t, kk;
    const fg_method meth = fg_sweep_unit_keys(c->cfg, u, &di, &t, &kk);
    const fg_sweep_plan_ds *pd = &c->plan.d[di];
    const fg_sweep_config *cfg = c->cfg;
    const char *name = pd->cfg->name, *variant = fg_fluid_variant_name(cfg->variant);
    fg_mpi_pair *pairs = fg_alloc((size_t)pd->n_comm * (size_t)cfg->n_seeds + 1, sizeof *pairs);
    if (!pairs) {
        fail_rank(c, 0, FG_ENOMEM, "out of memory for a task's runs");
        stop_rank(c, r);
        return;
    }
    fg_mpi_task m = {FG_UNIT_GRAPH, di, t, kk, 0, 0, 0, 0};
    if (meth != FG_METHOD_FLUIDC) { /* a k-means unit: kk carries the method; its runs missing in any cell */
        m.kind = FG_UNIT_KMEANS;
        m.kk = (int32_t)meth;
        m.have_graph = 1;
        const fg_sweep_kmeans_ctx kc = {cfg, c->res, c->sum, NULL, NULL, NULL, NULL, NULL};
        for (int ci = 0; ci < pd->n_comm; ci++)
            for (int s = 0; s < cfg->n_seeds; s++)
                if (fg_sweep_kmeans_run_missing(&kc, pd, meth, t, pd->comm[ci], cfg->seeds[s]))
                    pairs[m.n_runs++] = (fg_mpi_pair){pd->comm[ci], cfg->seeds[s]};
    } else {
        m.have_graph = fg_results_has_graph(c->res, name, cfg->lo[t], cfg->hi[t], cfg->k[kk]);
        for (int ci = 0; ci < pd->n_comm; ci++)
            for (int s = 0; s < cfg->n_seeds; s++)
                if (!fg_results_has_run(c->res, name, cfg->lo[t], cfg->hi[t], cfg->k[kk], pd->comm[ci],
                                        cfg->seeds[s], variant))
                    pairs[m.n_runs++] = (fg_mpi_pair){pd->comm[ci], cfg->seeds[s]};
    }
    c->ustate[u] = U_FLIGHT;
    c->busy[r] = u;
    if (!c->prog_started) {
        fg_progress_start(&c->prog, "runs", (uint64_t)(c->sum->runs_total - c->sum->runs_impossible),
                          (uint64_t)c->sum->runs_before);
        c->prog_done = (uint64_t)c->sum->runs_before;
        c->prog_started = true;
    }
    tl_begin(c, r, &m);
    send_task(c, r, &m, pairs);
    fg_free(pairs);
}

static void serve_waiting(coord *c)
{
    for (int r = 0; r < c->n_ranks; r++)
        if (c->waiting[r] && !c->stopped[r]) serve(c, r);
}

/* A row of `size` bytes, as this build's? (otherwise rank r fails the job) */
static bool row_size_ok(coord *c, int r, const char *what, size_t n, size_t size)
{
    if (n == size) return true;
    char m[160];
    snprintf(m, sizeof m, "sent a %s row of %zu bytes, this build's are %zu (another fnegraph build?)", what, n, size);
    fail_rank(c, r, FG_EFORMAT, m);
    return false;
}

static void write_row(coord *c, int r, int tag, unsigned char *data, size_t n)
{
    fg_status st = FG_OK;
    if (tag == FG_TAG_GRAPH) {
        fg_graph_row row;
        if (!row_size_ok(c, r, "graph", n, sizeof row)) return;
        memcpy(&row, data, sizeof row);
        row.dataset[sizeof row.dataset - 1] = '\0';
        if (fg_results_has_graph(c->res, row.dataset, row.lo, row.hi, row.k)) return; /* never a row twice */
        if ((st = fg_results_add_graph(c->res, &row)) == FG_OK) c->sum->graphs_written++;
    } else {
        fg_run_row row;
        if (!row_size_ok(c, r, "run", n, sizeof row)) return;
        memcpy(&row, data, sizeof row);
        row.dataset[sizeof row.dataset - 1] = '\0';
        row.variant[sizeof row.variant - 1] = '\0';
        row.method[sizeof row.method - 1] = '\0';
        if (fg_results_has_run_method(c->res, row.dataset, row.lo, row.hi, row.k, row.communities, row.seed,
                                      row.variant, row.method[0] ? row.method : "fluidc"))
            return; /* never a row twice */
        if ((st = fg_results_add_run(c->res, &row)) == FG_OK) {
            c->sum->runs_written++;
            if (c->prog_started) fg_progress_update(&c->prog, ++c->prog_done);
        }
    }
    if (st != FG_OK) fail_rank(c, 0, st, fg_last_error());
}

/* The rows held while rank 0's worker was in a unit, appended in order. */
static void flush_held(coord *c)
{
    while (c->held_head) {
        fg_mpi_msg *m = c->held_head;
        c->held_head = m->next;
        if (!c->held_head) c->held_tail = NULL;
        write_row(c, 0, m->tag, m->data, m->len);
        free(m);
    }
}

static void on_row(coord *c, int r, int tag, unsigned char *data, size_t n)
{
    const size_t size = tag == FG_TAG_GRAPH ? sizeof(fg_graph_row) : sizeof(fg_run_row);
    if (!c->local_busy || n != size) { /* a row of the wrong size fails rank r there, no libhdf5 call */
        write_row(c, r, tag, data, n);
        return;
    }
    fg_mpi_msg *m = malloc(sizeof *m + n);
    if (!m) {
        fail_rank(c, 0, FG_ENOMEM, "out of memory for a row held while rank 0 works");
        return;
    }
    m->next = NULL;
    m->tag = tag;
    m->len = n;
    memcpy(m->data, data, n);
    if (c->held_tail) c->held_tail->next = m;
    else c->held_head = m;
    c->held_tail = m;
}

static void on_ask(coord *c, int r, unsigned char *data, size_t n)
{
    fg_mpi_ask a;
    if (n < sizeof a) {
        fail_rank(c, r, FG_EFORMAT, "sent a request too short to read");
        stop_rank(c, r);
        return;
    }
    memcpy(&a, data, sizeof a);
    char msg[2048];
    size_t ml = a.msg_len > 0 && (size_t)a.msg_len <= n - sizeof a ? (size_t)a.msg_len : 0;
    if (ml >= sizeof msg) ml = sizeof msg - 1;
    memcpy(msg, data + sizeof a, ml);
    msg[ml] = '\0';
    if (r == 0) { /* its worker waits for the next unit: libhdf5 is free */
        c->local_busy = false;
        flush_held(c);
    }
    const int64_t was = c->busy[r];
    const int bk = c->bkind[r], bd = c->bdi[r];
    const bool ok = a.status == FG_OK;
    tl_end(c, r, ok);
    c->busy[r] = -1;
    c->bkind[r] = 0;
    c->di[r] = a.loaded_di;
    c->t[r] = a.loaded_t;
    if (bk == FG_UNIT_EXTRACT) c->estate[bd] = ok ? U_DONE : U_PENDING;
    else if (bk == FG_UNIT_SHARD) c->sstate[bd][c->bshard[r]] = ok ? U_DONE : U_PENDING;
    else if (bk == FG_UNIT_MERGE) {
        c->mstate[bd] = ok ? U_DONE : U_PENDING;
        if (ok) c->estate[bd] = U_DONE;
    } else if (was >= 0) c->ustate[was] = U_DONE;
    if (a.impossible > 0) {
        c->sum->runs_impossible += a.impossible;
        if (c->prog_started) c->prog.total -= (uint64_t)a.impossible;
    }
    if (a.status == FG_EINTERRUPTED) c->cancelled = true;
    else if (a.status != FG_OK) fail_rank(c, r, (fg_status)a.status, ml ? msg : "failed (no message)");
    serve(c, r);
    if (bk || c->failing || c->cancelled || !work_left(c)) serve_waiting(c);
}

static bool exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* Shards for dataset d when its cache is to be made and holds more images
 * than a shard: not when the cache exists (it is checked, reused or resumed
 * whole), nor when a serial extraction left its work file without shards. */
static void plan_shards(coord *c, int d)
{
    const fg_sweep_plan_ds *pd = &c->plan.d[d];
    if (c->estate[d] != U_PENDING || !pd->have_listing || exists(pd->cfg->fne)) return;
    const int64_t n = pd->ds.n, S = fg_sweep_shard_size(n, c->cfg->batch);
    if (S >= n) return;
    char partial[4200], shard0[4200];
    snprintf(partial, sizeof partial, "%s.partial", pd->cfg->fne);
    fg_sweep_shard_path(pd->cfg->fne, 0, S, shard0, sizeof shard0);
    if (exists(partial) && !exists(shard0)) return;
    signed char *st = fg_calloc((size_t)((n + S - 1) / S), 1);
    if (!st) return; /* whole, then */
    c->sstate[d] = st;
    c->n_shards[d] = (n + S - 1) / S;
    c->shard_size[d] = S;
}

/* One message from rank 0's worker or from MPI; false: none came in time. */
static bool next_message(coord *c, long *us)
{
    fg_mpi_msg *m = NULL;
    pthread_mutex_lock(&c->local.mu);
    m = c->local.head;
    if (m) {
        c->local.head = m->next;
        if (!m->next) c->local.tail = NULL;
    }
    pthread_mutex_unlock(&c->local.mu);
    if (m) {
        c->n_msgs++;
        if (m->tag == FG_TAG_ASK) on_ask(c, 0, m->data, m->len);
        else on_row(c, 0, m->tag, m->data, m->len);
        free(m);
        return true;
    }
    if (c->n_ranks > 1) {
        int flag = 0;
        MPI_Status s;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &s);
        if (flag) {
            c->n_msgs++;
            int n = 0;
            MPI_Get_count(&s, MPI_BYTE, &n);
            unsigned char *buf = malloc((size_t)n + 1);
            if (!buf) {
                fail_rank(c, 0, FG_ENOMEM, "out of memory for a message");
                buf = NULL;
            }
            unsigned char one;
            MPI_Recv(buf ? buf : &one, buf ? n : 0, MPI_BYTE, s.MPI_SOURCE, s.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            if (buf && s.MPI_TAG == FG_TAG_ASK) on_ask(c, s.MPI_SOURCE, buf, (size_t)n);
            else if (buf && (s.MPI_TAG == FG_TAG_GRAPH || s.MPI_TAG == FG_TAG_RUN))
                on_row(c, s.MPI_SOURCE, s.MPI_TAG, buf, (size_t)n);
            free(buf);
            return true;
        }
    }
    /* nothing: sleep, woken at once by the local worker */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += *us * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&c->local.mu);
    if (!c->local.head) pthread_cond_timedwait(&c->local.to_coord, &c->local.mu, &ts);
    pthread_mutex_unlock(&c->local.mu);
    *us = *us * 2 > COORD_MAX_SLEEP_US ? COORD_MAX_SLEEP_US : *us * 2;
    return false;
}

fg_status fg_mpi_coordinate(fg_sweep_config *cfg, const fg_sweep_exec_opts *o, int n_ranks, const char *hosts,
                            fg_sweep_summary *sum)
{
    struct timespec cpu0;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0); /* this thread is the coordinator: its CPU is its cost */
    const double wall0 = fg_cli_now();
    coord c;
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    c.o = o;
    c.sum = sum;
    c.n_ranks = c.n_active = n_ranks;
    c.n_units = fg_sweep_units_count(cfg);
    pthread_mutex_init(&c.local.mu, NULL);
    pthread_cond_init(&c.local.to_coord, NULL);
    pthread_cond_init(&c.local.to_worker, NULL);
    fg_status st = FG_OK;
    bool thread = false;
    pthread_t th;
    fg_mpi_worker_args wa;
    memset(&wa, 0, sizeof wa);
    const fg_sweep_exec_opts lo = {.dry_run = false, .cancel = &c.local_cancel};
    c.ustate = fg_calloc((size_t)c.n_units + 1, 1);
    c.estate = fg_calloc((size_t)cfg->n_datasets + 1, 1);
    c.di = fg_calloc((size_t)n_ranks, sizeof *c.di);
    c.t = fg_calloc((size_t)n_ranks, sizeof *c.t);
    c.busy = fg_calloc((size_t)n_ranks, sizeof *c.busy);
    c.waiting = fg_calloc((size_t)n_ranks, sizeof *c.waiting);
    c.stopped = fg_calloc((size_t)n_ranks, sizeof *c.stopped);
    c.bkind = fg_calloc((size_t)n_ranks, sizeof *c.bkind);
    c.bdi = fg_calloc((size_t)n_ranks, sizeof *c.bdi);
    c.bshard = fg_calloc((size_t)n_ranks, sizeof *c.bshard);
    c.shard_size = fg_calloc((size_t)cfg->n_datasets + 1, sizeof *c.shard_size);
    c.n_shards = fg_calloc((size_t)cfg->n_datasets + 1, sizeof *c.n_shards);
    c.sstate = fg_calloc((size_t)cfg->n_datasets + 1, sizeof *c.sstate);
    c.mstate = fg_calloc((size_t)cfg->n_datasets + 1, 1);
    c.ev = fg_calloc((size_t)n_ranks, sizeof *c.ev);
    c.ev_on = fg_calloc((size_t)n_ranks, sizeof *c.ev_on);
    if (!c.ustate || !c.estate || !c.di || !c.t || !c.busy || !c.waiting || !c.stopped || !c.bkind || !c.bdi ||
        !c.bshard || !c.shard_size || !c.n_shards || !c.sstate || !c.mstate || !c.ev || !c.ev_on) {
        fail_rank(&c, 0, FG_ENOMEM, "out of memory for the coordinator's state");
    } else if (o->timeline && (st = fg_sweep_timeline_open(o->timeline, &c.tl)) != FG_OK) {
        fail_rank(&c, 0, st, fg_last_error());
    } else {
        for (int r = 0; r < n_ranks; r++) c.di[r] = c.t[r] = -1, c.busy[r] = -1;
        if ((st = fg_sweep_plan_make(cfg, NULL, &c.plan)) != FG_OK) {
            int n_bad = 0;
            for (int i = 0; i < c.plan.n; i++) n_bad += c.plan.d[i].error[0] != 0;
            if (n_bad > 1)
                for (int i = 0; i < c.plan.n; i++)
                    if (c.plan.d[i].error[0]) fprintf(stderr, "fnegraph sweep: %s\n", c.plan.d[i].error);
            fail_rank(&c, 0, st, fg_last_error());
        }
    }
    if (!c.failing) {
        run_ctx *x = NULL;
        fg_sweep_summary dummy;
        st = fg_sweep_i_ctx_new(cfg, o, &dummy, NULL, NULL, false, &x);
        if (st == FG_OK) {
            const fg_net_mode_plan *mode = fg_sweep_i_mode(x);
            if (mode->warning[0]) fprintf(stderr, "fnegraph sweep: warning: %s\n", mode->warning);
            char impl[2048];
            fg_results_attrs at;
            fg_sweep_i_attrs(cfg, mode, cfg->threads, impl, sizeof impl, &at);
            at.mpi_ranks = n_ranks;
            at.threads_per_rank = cfg->threads;
            at.hosts = hosts;
            st = fg_cli_mkdir_parent(cfg->out);
            if (st == FG_OK) st = fg_results_open(cfg->out, &at, &c.res);
            fg_sweep_i_ctx_free(x);
        }
        if (st != FG_OK) fail_rank(&c, 0, st, fg_last_error());
    }
    if (!c.failing) {
        int64_t n_pending = 0;
        for (int64_t u = 0; u < c.n_units; u++) {
            int di, t, kk;
            fg_sweep_unit_keys(cfg, u, &di, &t, &kk);
            if (fg_sweep_unit_count(cfg, &c.plan, c.res, u, sum)) n_pending++;
            else c.ustate[u] = U_DONE;
        }
        for (int d = 0; d < c.plan.n; d++) {
            bool need = false;
            for (int64_t u = 0; u < c.n_units; u++) {
                int di, t, kk;
                fg_sweep_unit_keys(cfg, u, &di, &t, &kk);
                need |= di == d && c.ustate[u] == U_PENDING;
            }
            c.estate[d] = need ? U_PENDING : U_DONE;
            plan_shards(&c, d);
        }
        printf("sweep %s over %d MPI rank%s x %d thread%s (%s): %d dataset%s, %lld graphs (%lld done), %lld runs "
               "(%lld done), %lld units to do (graph tasks, k-means); results %s\n",
               cfg->path, n_ranks, n_ranks == 1 ? "" : "s", cfg->threads, cfg->threads == 1 ? "" : "s", hosts,
               c.plan.n, c.plan.n == 1 ? "" : "s", (long long)sum->graphs_total, (long long)sum->graphs_before,
               (long long)sum->runs_total, (long long)sum->runs_before, (long long)n_pending, cfg->out);
        fflush(stdout);
        wa = (fg_mpi_worker_args){cfg, &c.plan, &lo, &c.local, FG_OK, false};
        if (pthread_create(&th, NULL, fg_mpi_worker_thread, &wa) == 0) thread = true;
        else fail_rank(&c, 0, FG_EBACKEND, "cannot start rank 0's worker thread");
    }
    if (!thread) { /* rank 0's worker never asks */
        c.stopped[0] = true;
        c.n_active--;
    }
    long us = 50;
    while (c.n_active > 0) {
        if (o->cancel && *o->cancel && !c.cancelled) {
            c.cancelled = true;
            c.local_cancel = 1;
            serve_waiting(&c);
        }
        if (next_message(&c, &us)) us = 50;
    }
    if (thread) pthread_join(th, NULL);
    c.local_busy = false;
    flush_held(&c);
    while (c.local.head) { /* rows the worker sent after its last request cannot exist; drop leftovers */
        fg_mpi_msg *m = c.local.head;
        c.local.head = m->next;
        if (m->tag != FG_TAG_ASK) on_row(&c, 0, m->tag, m->data, m->len);
        free(m);
    }
    if (c.local.task) free(c.local.task);
    if (c.prog_started) fg_progress_finish(&c.prog);
    sum->interrupted = c.cancelled && !c.failing;
    struct timespec cpu1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
    const double cpu = (double)(cpu1.tv_sec - cpu0.tv_sec) + 1e-9 * (double)(cpu1.tv_nsec - cpu0.tv_nsec),
                 wall = fg_cli_now() - wall0;
    if (n_ranks > 1)
        printf("rank 0's coordination: %.2f s of CPU in %.1f s (%.2f %% of a core, %.3f %% of the job's %d cores), "
               "%lld messages\n",
               cpu, wall, wall > 0 ? 100 * cpu / wall : 0.0,
               wall > 0 ? 100 * cpu / (wall * n_ranks * (cfg->threads > 0 ? cfg->threads : 1)) : 0.0,
               n_ranks * (cfg->threads > 0 ? cfg->threads : 1), (long long)c.n_msgs);
    if (c.tl) {
        for (int r = 0; r < n_ranks; r++) tl_end(&c, r, false); /* units in flight at a failure */
        const fg_tl_info ti = {cfg->path, n_ranks, cfg->threads, hosts, cpu, c.n_msgs};
        fg_sweep_timeline_set_info(c.tl, &ti);
        fg_status ts = fg_sweep_timeline_close(c.tl);
        if (ts != FG_OK) fail_rank(&c, 0, ts, fg_last_error());
    }
    fg_results_close(c.res);
    fg_sweep_plan_destroy(&c.plan);
    fg_free(c.ustate);
    fg_free(c.estate);
    fg_free(c.di);
    fg_free(c.t);
    fg_free(c.busy);
    fg_free(c.waiting);
    fg_free(c.stopped);
    for (int d = 0; c.sstate && d < cfg->n_datasets; d++) fg_free(c.sstate[d]);
    fg_free(c.sstate);
    fg_free(c.bkind);
    fg_free(c.bdi);
    fg_free(c.bshard);
    fg_free(c.shard_size);
    fg_free(c.n_shards);
    fg_free(c.mstate);
    fg_free(c.ev);
    fg_free(c.ev_on);
    pthread_mutex_destroy(&c.local.mu);
    pthread_cond_destroy(&c.local.to_coord);
    pthread_cond_destroy(&c.local.to_worker);
    if (c.failing) {
        if (c.n_err > 1)
            return FG_FAIL(c.err, "%s (and %d more failure%s)", c.errmsg, c.n_err - 1, c.n_err == 2 ? "" : "s");
        return FG_FAIL(c.err, "%s", c.errmsg);
    }
    return FG_OK;
}
