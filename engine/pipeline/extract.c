/* Extraction pipeline: dataset -> decode + preprocess -> VGG16 -> FNE rows
 * (fnegraph/extract.h), of every input or of a shard [first, first + count).
 * Two input buffers. With a core the net's OpenMP team does not use, a
 * decoder thread prepares batch b+1 on it while the net runs batch b. With
 * none (the default: the team uses every core) the team itself decodes batch
 * b+1 after batch b, an image per thread at a time: a decoder thread beside a
 * full team takes its time slices from one of the team's threads, and every
 * other thread then waits for that one at the next layer's barrier, so it
 * costs about twice its CPU time (bench_extract's whole_over_bare shows
 * what decoding adds to the bare forward pass). Rows are handed to the FNE writer in input order;
 * failures become NULL rows (listed in the file's /failed_path) unless
 * strict. Every path the job writes is checked and locked (by the writer)
 * before the net is built. O(N) images, memory O(B). */
#include "fnegraph/extract.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/net.h"
#include "io/fne_file_i.h"

#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { INPUT_FLOATS = FG_VGG16_INPUT * FG_VGG16_INPUT * 3 };

typedef struct batch {
    int64_t first;     /* first input of the batch */
    int n;             /* inputs in the batch */
    int n_ok;          /* decoded ones, packed at the front of `input` */
    float *input;      /* [B][224][224][3] */
    bool *failed;      /* [B] */
    char **reason;     /* [B] error of a failed input (malloc'd) */
    int cap;           /* B */
} batch;

typedef struct decode_job {
    const fg_dataset *ds;
    int64_t first;     /* the shard's first input: batch inputs are counted from it */
    const fg_extract_opts *o;
    batch *b;
} decode_job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void decode_one(const decode_job *j, int i)
{
    batch *b = j->b;
    int64_t idx = j->first + b->first + i;
    free(b->reason[i]);
    b->reason[i] = NULL;
    float *dst = b->input + (size_t)i * INPUT_FLOATS;
    b->failed[i] = fg_image_file_to_input(j->ds->file[idx], j->o->resize, j->o->preprocess, dst) != FG_OK;
    if (b->failed[i]) b->reason[i] = strdup(fg_last_error());
}

/* Decode every input of the batch into its own slot with `threads` threads,
 * then pack the decoded ones to the front (in order). */
static void decode_batch(decode_job *j, int threads)
{
    batch *b = j->b;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (threads > 1)
    for (int i = 0; i < b->n; i++) decode_one(j, i);
    b->n_ok = 0;
    for (int i = 0; i < b->n; i++) {
        if (b->failed[i]) continue;
        if (b->n_ok != i)
            memmove(b->input + (size_t)b->n_ok * INPUT_FLOATS, b->input + (size_t)i * INPUT_FLOATS,
                    INPUT_FLOATS * sizeof(float));
        b->n_ok++;
    }
}

static void *decode_thread(void *arg)
{
    decode_batch(arg, 1);
    return NULL;
}

static void batch_free(batch *b)
{
    fg_free(b->input);
    free(b->failed);
    for (int i = 0; b->reason && i < b->cap; i++) free(b->reason[i]);
    free(b->reason);
}

static fg_status batch_alloc(batch *b, int B)
{
    memset(b, 0, sizeof *b);
    b->input = fg_alloc((size_t)B * INPUT_FLOATS, sizeof(float));
    b->failed = calloc((size_t)B, sizeof *b->failed);
    b->reason = calloc((size_t)B, sizeof *b->reason);
    b->cap = B;
    if (!b->input || !b->failed || !b->reason) return FG_FAIL(FG_ENOMEM, "out of memory for a batch");
    return FG_OK;
}

/* Record a failed input; the decoder's message already names the file. */
static fg_status add_failure(fg_extract_result *res, const char *reason)
{
    char **f = realloc(res->failed, (size_t)(res->n_failed + 1) * sizeof *f);
    if (!f) return FG_FAIL(FG_ENOMEM, "out of memory");
    res->failed = f;
    f[res->n_failed] = strdup(reason);
    if (!f[res->n_failed]) return FG_FAIL(FG_ENOMEM, "out of memory");
    res->n_failed++;
    return FG_OK;
}

void fg_extract_result_destroy(fg_extract_result *res)
{
    if (!res) return;
    for (int64_t i = 0; i < res->n_failed; i++) free(res->failed[i]);
    free(res->failed);
    memset(res, 0, sizeof *res);
}

fg_status fg_extract_run(const fg_dataset *ds, const fg_weights *w, const char *out_path,
                         const fg_extract_opts *opts, fg_extract_result *res)
{
    fg_status st = FG_OK;
    fg_net *net = NULL;
    fg_fne_writer *wr = NULL;
    float *rows = NULL;
    batch bufs[2];
    bool have_bufs = false, thread_running = false;
    pthread_t th;
    decode_job job;
    int64_t next = 0;
    memset(bufs, 0, sizeof bufs);
    if (!ds || !w || !out_path || !opts || !res) return FG_FAIL(FG_EINVAL, "fg_extract_run: null argument");
    memset(res, 0, sizeof *res);
    if (opts->first < 0 || opts->count < 0 || opts->first > ds->n || opts->count > ds->n - opts->first ||
        (opts->first == ds->n && ds->n > 0))
        return FG_FAIL(FG_EINVAL, "fg_extract_run: shard [%lld, +%lld) is not inside the %lld images of the dataset",
                       (long long)opts->first, (long long)opts->count, (long long)ds->n);
    const int64_t first = opts->first, n = opts->count ? opts->count : ds->n - first;
    res->n_inputs = n;
    const int B = opts->batch > 0 ? opts->batch : 8;
    if (B > 1024) return FG_FAIL(FG_EINVAL, "batch %d: at most 1024 images a batch", B);
    if (opts->decode != FG_DECODE_AUTO && opts->decode != FG_DECODE_TEAM && opts->decode != FG_DECODE_THREAD)
        return FG_FAIL(FG_EINVAL, "fg_extract_run: decode mode %d is not AUTO, TEAM or THREAD", (int)opts->decode);
    if (ds->n == 0) return FG_FAIL(FG_EINVAL, "%s: the dataset has no images", ds->root ? ds->root : "dataset");

    fg_net_mode_plan plan;
    FG_CHECK_GOTO(st, fg_net_check_mode(opts->conv, opts->precision, &plan));
    fg_fne_meta meta = {ds->kind, opts->split ? opts->split : "all", fg_preprocess_name(opts->preprocess),
                        fg_resize_mode_name(opts->resize), w->sha256, fg_conv_algo_name(plan.conv),
                        fg_precision_name(plan.precision)};
    FG_CHECK_GOTO(st, fg_fne_writer_open(out_path, &meta, n, (const char *const *)ds->path + first,
                                         ds->label ? ds->label + first : NULL, (const char *const *)ds->class_names,
                                         ds->n_classes,
                                         opts->chunk_rows > 0 ? opts->chunk_rows : 64, &wr, &next));
    res->n_resumed = next;
    if (next >= n) {
        /* every row stored: finished before, or a work file whose finish failed (a full disk) */
        res->already_complete = fg_i_fne_writer_finished(wr);
        FG_CHECK_GOTO(st, fg_fne_writer_finish(wr));
        goto done;
    }
    fg_net_opts no = {.batch = B, .threads = opts->threads, .conv = opts->conv, .precision = opts->precision};
    FG_CHECK_GOTO(st, fg_net_create(w, &no, &net));
    {
        char impl[FG_NET_IMPL_MAX];
        FG_CHECK_GOTO(st, fg_net_impl_string(net, impl, sizeof impl));
        FG_CHECK_GOTO(st, fg_fne_writer_set_impl(wr, impl));
    }
    rows = fg_alloc((size_t)B * FG_FNE_DIM, sizeof(float));
    if (!rows) {
        st = FG_FAIL(FG_ENOMEM, "out of memory for the FNE rows");
        goto done;
    }
    FG_CHECK_GOTO(st, batch_alloc(&bufs[0], B));
    FG_CHECK_GOTO(st, batch_alloc(&bufs[1], B));
    have_bufs = true;

    /* a core the net does not use decodes beside it; else the team decodes between forwards */
    const int team_threads = fg_net_threads(net);
    const bool team = opts->decode == FG_DECODE_TEAM ||
                      (opts->decode != FG_DECODE_THREAD && omp_get_num_procs() <= team_threads);
    double t0 = now();
    int cur = 0;
    job.ds = ds;
    job.first = first;
    job.o = opts;
    bufs[cur].first = next;
    bufs[cur].n = (int)(n - next < B ? n - next : B);
    job.b = &bufs[cur];
    decode_batch(&job, team_threads);
    while (bufs[cur].n > 0) {
        batch *b = &bufs[cur], *nb = &bufs[1 - cur];
        /* the next batch: decoded now beside the net (thread), or after it (team, below) */
        nb->first = b->first + b->n;
        nb->n = (int)(n - nb->first < B ? n - nb->first : B);
        if (nb->n > 0 && !team) {
            job.b = nb;
            if (pthread_create(&th, NULL, decode_thread, &job) != 0) {
                st = FG_FAIL(FG_EINTERNAL, "cannot start the decoder thread");
                goto done;
            }
            thread_running = true;
        }
        if (b->n_ok > 0) {
            double tf = now();
            FG_CHECK_GOTO(st, fg_net_fne(net, b->input, b->n_ok, rows));
            res->seconds_forward += now() - tf;
        }
        int k = 0;
        for (int i = 0; i < b->n; i++) {
            int64_t idx = first + b->first + i;
            if (b->failed[i]) {
                if (opts->strict) {
                    st = FG_FAIL(FG_EFORMAT, "%s (strict mode: stopping; fix or remove the file, or run without --strict)",
                                 b->reason[i] ? b->reason[i] : ds->file[idx]);
                    goto done;
                }
                FG_CHECK_GOTO(st, add_failure(res, b->reason[i] ? b->reason[i] : ds->file[idx]));
                FG_CHECK_GOTO(st, fg_fne_writer_put(wr, NULL));
            } else {
                FG_CHECK_GOTO(st, fg_fne_writer_put(wr, rows + (size_t)k++ * FG_FNE_DIM));
            }
        }
        res->n_done += b->n;
        if (thread_running) {
            pthread_join(th, NULL);
            thread_running = false;
        }
        if (opts->progress) opts->progress(opts->progress_ctx, next + res->n_done, n);
        if (opts->cancel && *opts->cancel) {
            st = FG_FAIL(FG_EINTERRUPTED, "%s: interrupted after %lld of %lld images; run the same command again to resume",
                         out_path, (long long)(next + res->n_done), (long long)n);
            goto done;
        }
        if (team && nb->n > 0) {
            job.b = nb;
            decode_batch(&job, team_threads);
        }
        cur = 1 - cur;
    }
    res->seconds = now() - t0;
    FG_CHECK_GOTO(st, fg_fne_writer_finish(wr));
done:
    if (thread_running) pthread_join(th, NULL);
    fg_fne_writer_close(wr);
    fg_net_destroy(net);
    fg_free(rows);
    if (have_bufs) {
        batch_free(&bufs[0]);
        batch_free(&bufs[1]);
    }
    return st;
}
