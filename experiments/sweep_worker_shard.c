/* Extraction shards and their merge (sweep_worker_shard.h). */
#include "sweep_worker_shard.h"

#include "fnegraph/fne_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int64_t fg_sweep_shard_size(int64_t n, int batch)
{
    const int64_t B = batch > 0 ? batch : 1;
    const char *e = getenv("FNEGRAPH_SHARD_IMAGES");
    if (e && atoll(e) > 0) return (atoll(e) + B - 1) / B * B;
    int64_t unit = 64; /* lcm(chunk, batch) */
    while (unit % B) unit += 64;
    const int64_t want = (n + 63) / 64;
    const int64_t s = (want + unit - 1) / unit * unit;
    return s > unit ? s : unit;
}

void fg_sweep_shard_path(const char *fne, int64_t first, int64_t count, char *out, size_t n)
{
    snprintf(out, n, "%s.shard%lld+%lld", fne, (long long)first, (long long)count);
}

fg_status fg_sweep_shards_merge(const fg_sweep_plan_ds *pd, int64_t S)
{
    const fg_dataset *ds = &pd->ds;
    const char *fne = pd->cfg->fne, *name = pd->cfg->name;
    const int64_t n = ds->n, n_shards = (n + S - 1) / S;
    fg_status st = FG_OK;
    fg_fne sh, first;
    memset(&sh, 0, sizeof sh);
    memset(&first, 0, sizeof first);
    fg_fne_mode mode0, mode;
    fg_fne_writer *wr = NULL;
    int64_t next = 0;
    char path[4096];
    /* every shard of the same job and implementation, before anything is written */
    for (int64_t s = 0; s < n_shards; s++) {
        const int64_t a = s * S, cnt = a + S < n ? S : n - a;
        fg_sweep_shard_path(fne, a, cnt, path, sizeof path);
        fg_fne_meta m;
        int64_t rows = 0;
        if ((st = fg_fne_read_meta(path, &m, &rows)) != FG_OK)
            return FG_FAIL(st, "[dataset %s]: merging shard %lld of %lld: %s", name, (long long)s, (long long)n_shards,
                           fg_last_error());
        st = fg_fne_read_mode(path, s ? &mode : &mode0);
        if (st == FG_OK && s == 0) st = fg_fne_read_header(path, &first);
        if (st == FG_OK && s > 0) {
            fg_fne_meta_diff df;
            if (fg_fne_meta_diff_find(&m, &first.meta, FG_FNE_META_ALL, &df))
                st = FG_FAIL(FG_EINVAL, "[dataset %s]: shard %s was made by another job (%s: '%s', shard 0: '%s'): "
                             "not merged", name, path, df.what, df.have, df.want);
            else if (strcmp(mode.impl, mode0.impl) != 0)
                st = FG_FAIL(FG_EINVAL, "[dataset %s]: shard %s was computed by another oneDNN implementation "
                             "('%.200s', shard 0: '%.200s'): not merged (give every rank the same ISA)",
                             name, path, mode.impl, mode0.impl);
        }
        fg_fne_meta_destroy(&m);
        if (st != FG_OK) goto done;
    }
    FG_CHECK_GOTO(st, fg_fne_writer_open(fne, &first.meta, n, (const char *const *)ds->path, ds->label,
                                         (const char *const *)ds->class_names, ds->n_classes, 64, &wr, &next));
    if (next < n) FG_CHECK_GOTO(st, fg_fne_writer_set_impl(wr, mode0.impl));
    for (int64_t s = next / S; s < n_shards && next < n; s++) {
        const int64_t a = s * S, cnt = a + S < n ? S : n - a;
        fg_sweep_shard_path(fne, a, cnt, path, sizeof path);
        FG_CHECK_GOTO(st, fg_fne_read(path, &sh));
        int64_t r = 0, f = 0;
        for (int64_t i = a; i < a + cnt; i++) {
            const bool failed = f < sh.n_failed && !strcmp(sh.failed_path[f], ds->path[i]);
            const bool row = !failed && r < sh.n && !strcmp(sh.path[r], ds->path[i]);
            if (!failed && !row) {
                st = FG_FAIL(FG_EFORMAT, "[dataset %s]: shard %s holds neither a row nor a failure for image %lld (%s)",
                             name, path, (long long)i, ds->path[i]);
                goto done;
            }
            if (i >= next) FG_CHECK_GOTO(st, fg_fne_writer_put(wr, row ? sh.x + r * FG_FNE_DIM : NULL));
            if (row) r++;
            else f++;
        }
        fg_fne_destroy(&sh);
        memset(&sh, 0, sizeof sh);
        next = a + cnt;
    }
    FG_CHECK_GOTO(st, fg_fne_writer_finish(wr));
    for (int64_t s = 0; s < n_shards; s++) {
        const int64_t a = s * S, cnt = a + S < n ? S : n - a;
        fg_sweep_shard_path(fne, a, cnt, path, sizeof path);
        unlink(path);
        char lk[4160];
        snprintf(lk, sizeof lk, "%s.lock", path);
        unlink(lk);
    }
    printf("[%s] %lld shards merged into %s (%lld images)\n", name, (long long)n_shards, fne, (long long)n);
    fflush(stdout);
done:
    fg_fne_writer_close(wr);
    fg_fne_destroy(&sh);
    fg_fne_destroy(&first);
    return st;
}
