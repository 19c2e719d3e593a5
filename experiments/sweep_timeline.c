/* A sweep's timeline, kept in memory and written as JSON at the end
 * (sweep_timeline.h; the format is docs/formats.md "Sweep timeline"). */
#include "sweep_timeline.h"

#include "cli.h"
#include "core/file_guard.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct fg_sweep_timeline {
    char *path;
    double t0;
    fg_tl_event *ev;
    size_t n, cap;
    fg_tl_info info;
    char *config, *hosts; /* copies of info's */
};

static const char *const kind_names[FG_TL_N_KINDS] = {"extract", "shard", "merge", "load", "codes", "ff", "graph", "kmeans",
                                                              "kmeans-ternary"};

fg_status fg_sweep_timeline_open(const char *path, fg_sweep_timeline **out)
{
    *out = NULL;
    fg_status st = fg_i_output_file(path, "the timeline (--timeline)");
    if (st == FG_OK) st = fg_cli_mkdir_parent(path); /* as --out: missing folders are made */
    if (st != FG_OK) return st;
    fg_sweep_timeline *t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) {
        free(t);
        return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    }
    t->t0 = fg_cli_now();
    t->info.ranks = 1;
    t->info.coordinator_cpu_seconds = -1;
    *out = t;
    return FG_OK;
}

fg_tl_event fg_tl_event_init(fg_tl_kind kind, const char *dataset)
{
    fg_tl_event e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.dataset = dataset;
    e.lo = e.hi = e.k = NAN;
    e.ok = true;
    return e;
}

double fg_sweep_timeline_now(const fg_sweep_timeline *t)
{
    return t ? fg_cli_now() - t->t0 : 0.0;
}

void fg_sweep_timeline_add(fg_sweep_timeline *t, const fg_tl_event *e)
{
    if (!t) return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        fg_tl_event *p = realloc(t->ev, cap * sizeof *p);
        if (!p) return; /* the timeline is an account, not a result: an event lost to no memory */
        t->ev = p;
        t->cap = cap;
    }
    fg_tl_event *d = &t->ev[t->n];
    *d = *e;
    d->dataset = e->dataset ? strdup(e->dataset) : NULL;
    if (e->dataset && !d->dataset) return;
    t->n++;
}

void fg_sweep_timeline_set_info(fg_sweep_timeline *t, const fg_tl_info *info)
{
    if (!t) return;
    free(t->config);
    free(t->hosts);
    t->info = *info;
    t->config = info->config ? strdup(info->config) : NULL;
    t->hosts = info->hosts ? strdup(info->hosts) : NULL;
    t->info.config = t->config;
    t->info.hosts = t->hosts;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", (unsigned char)*s);
        else fputc(*s, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, const char *key, double v)
{
    if (isfinite(v)) fprintf(f, ", \"%s\": %.17g", key, v);
}

static void write_event(FILE *f, const fg_tl_event *e)
{
    fprintf(f, "    {\"kind\": \"%s\", \"rank\": %d, \"start\": %.6f, \"end\": %.6f", kind_names[e->kind], e->rank,
            e->start, e->end);
    if (e->dataset) {
        fputs(", \"dataset\": ", f);
        json_str(f, e->dataset);
    }
    if (e->kind == FG_TL_SHARD) fprintf(f, ", \"first\": %lld", (long long)e->first);
    if (e->kind <= FG_TL_LOAD) fprintf(f, ", \"images\": %lld", (long long)e->images);
    if (e->kind == FG_TL_EXTRACT) fprintf(f, ", \"cached\": %s", e->cached ? "true" : "false");
    json_num(f, "lo", e->lo);
    json_num(f, "hi", e->hi);
    json_num(f, "k", e->k);
    if (e->kind >= FG_TL_GRAPH) fprintf(f, ", \"runs\": %lld", (long long)e->runs);
    fprintf(f, ", \"ok\": %s}", e->ok ? "true" : "false");
}

static double process_cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
           1e-6 * (double)ru.ru_stime.tv_usec;
}

static fg_status write_file(const fg_sweep_timeline *t, const char *tmp)
{
    FILE *f = fopen(tmp, "w");
    if (!f) return FG_FAIL(FG_EIO, "%s: cannot create (%s)", tmp, strerror(errno));
    const fg_tl_info *in = &t->info;
    fputs("{\"fnegraph_timeline\": 1, \"config\": ", f);
    json_str(f, in->config);
    fprintf(f, ", \"ranks\": %d, \"threads_per_rank\": %d, \"hosts\": ", in->ranks, in->threads_per_rank);
    json_str(f, in->hosts);
    fprintf(f, ",\n \"wall_seconds\": %.6f, \"process_cpu_seconds\": %.6f", fg_sweep_timeline_now(t),
            process_cpu_seconds());
    if (in->coordinator_cpu_seconds >= 0)
        fprintf(f, ", \"coordinator_cpu_seconds\": %.6f, \"coordinator_messages\": %lld", in->coordinator_cpu_seconds,
                (long long)in->coordinator_messages);
    else
        fputs(", \"coordinator_cpu_seconds\": null, \"coordinator_messages\": null", f);
    fputs(",\n \"units\": [\n", f);
    for (size_t i = 0; i < t->n; i++) {
        write_event(f, &t->ev[i]);
        fputs(i + 1 < t->n ? ",\n" : "\n", f);
    }
    fputs(" ]}\n", f);
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad) {
        unlink(tmp);
        return FG_FAIL(FG_EIO, "%s: write failed (%s); free space and run again", t->path,
                       errno ? strerror(errno) : "disk full?");
    }
    return FG_OK;
}

fg_status fg_sweep_timeline_close(fg_sweep_timeline *t)
{
    if (!t) return FG_OK;
    fg_status st = FG_OK;
    size_t len = strlen(t->path);
    char *tmp = malloc(len + 5);
    if (!tmp) st = FG_FAIL(FG_ENOMEM, "%s: out of memory", t->path);
    else {
        memcpy(tmp, t->path, len);
        memcpy(tmp + len, ".tmp", 5);
        st = write_file(t, tmp);
        if (st == FG_OK && rename(tmp, t->path) != 0) {
            st = FG_FAIL(FG_EIO, "%s: cannot rename %s to it (%s)", t->path, tmp, strerror(errno));
            unlink(tmp);
        }
    }
    free(tmp);
    for (size_t i = 0; i < t->n; i++) free((char *)t->ev[i].dataset);
    free(t->ev);
    free(t->config);
    free(t->hosts);
    free(t->path);
    free(t);
    return st;
}
