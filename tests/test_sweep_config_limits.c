/* Sweep configs at the limits of their numbers (issue 13, item 5): every
 * numeric value is range-checked at parse time with the config's file:line,
 * so nothing wraps later (communities = 4611686018427387904*classes used to
 * be accepted and overflow in fg_sweep_communities_for); a seed range ending
 * at INT64_MAX; a FIFO given as the config is refused, not waited on; and
 * running out of memory while keeping the config text is an error, not a
 * silently shorter text (checked in a child under RLIMIT_AS; skipped in the
 * sanitizer build, whose shadow memory needs the address space). The lists
 * and paths have no fixed caps (issue 17, item 2): 100 threshold pairs, 70
 * values of k and of communities, 20 datasets, a --set list of 10,000
 * characters and a path of 4,989 characters load; the safety bound on seeds stays. */
#include "fg_test.h"
#include "sweep_config.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ASan reserves terabytes of shadow memory: RLIMIT_AS cannot be used there */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static char dir[64];
static fg_sweep_config cfg;

static const char *TAIL = "[dataset d]\nkind = folder\nroot = r\nfne = f.h5\n";

static const char *write_ini(const char *sweep_lines)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/c.ini", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "[sweep]\nweights = w.h5\nout = r.h5\n%s%s", sweep_lines, TAIL);
    fclose(f);
    return path;
}

static void expect_error(const char *lines, const char *needle)
{
    const char *p = write_ini(lines);
    fg_error_clear();
    fg_status st = fg_sweep_config_load(p, NULL, 0, NULL, &cfg);
    CHECK(st == FG_EINVAL, "expected an error for '%s', got %s", lines, fg_status_str(st));
    CHECK(strstr(fg_last_error(), needle) != NULL, "error '%s' does not mention '%s'", fg_last_error(), needle);
    fg_sweep_config_destroy(&cfg);
}

/* Run fn in a child; its exit status (or 128 + signal). */
static int in_child(void (*fn)(void), unsigned timeout)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(timeout);
        fn();
        _exit(0);
    }
    int ws = 0;
    waitpid(pid, &ws, 0);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static void load_fifo(void)
{
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo.ini", dir);
    fg_status st = fg_sweep_config_load(fifo, NULL, 0, NULL, &cfg);
    _exit(st == FG_EIO && strstr(fg_last_error(), "FIFO") ? 0 : 1);
}

static void load_huge_under_limit(void)
{
    /* a 48 MB config (comment lines) with 32 MB of address space to spare:
     * keeping its text must fail at some doubling */
    char path[128];
    snprintf(path, sizeof path, "%s/huge.ini", dir);
    struct rlimit rl;
    FILE *m = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!m || fscanf(m, "%lu", &pages) != 1) _exit(3);
    fclose(m);
    rl.rlim_cur = rl.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (32u << 20);
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(3);
    fg_status st = fg_sweep_config_load(path, NULL, 0, NULL, &cfg);
    if (st == FG_OK) _exit(1); /* loaded: the text was cut short silently */
    _exit(st == FG_ENOMEM && strstr(fg_last_error(), "huge.ini:") && strstr(fg_last_error(), "config text") ? 0 : 2);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fg_cfg_lim_XXXXXX");
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");

    /* communities: the multiplier and the absolute count are bounded */
    expect_error("communities = 4611686018427387904*classes\n",
                 "c.ini:4: communities: '4611686018427387904*classes' is more than 2147483647");
    expect_error("communities = classes*2147483648\n", "c.ini:4: communities: 'classes*2147483648' is more than");
    expect_error("communities = 10, 9223372036854775807\n", "c.ini:4: communities: '9223372036854775807' is more than");
    expect_error("communities = 99999999999999999999*classes\n", "c.ini:4: communities: expected a number");
    const char *p = write_ini("communities = 2147483647*classes, 2147483647\n");
    CHECK_OK(fg_sweep_config_load(p, NULL, 0, NULL, &cfg));
    CHECK(cfg.n_communities == 2 &&
              fg_sweep_communities_for(&cfg.communities[0], INT_MAX) == INT64_C(2147483647) * INT64_C(2147483647) &&
              fg_sweep_communities_for(&cfg.communities[1], INT_MAX) == INT64_C(2147483647),
          "the largest counts expand without overflow");
    fg_sweep_config_destroy(&cfg);
    fg_sweep_communities hand = {INT64_MAX, true};
    CHECK(fg_sweep_communities_for(&hand, 7) == INT64_MAX, "a hand-made count saturates");

    /* seeds: a range ending at INT64_MAX holds its two seeds */
    p = write_ini("seeds = 9223372036854775806-9223372036854775807\n");
    CHECK_OK(fg_sweep_config_load(p, NULL, 0, NULL, &cfg));
    CHECK(cfg.n_seeds == 2 && cfg.seeds[1] == INT64_MAX, "seeds at INT64_MAX: %d seeds", cfg.n_seeds);
    fg_sweep_config_destroy(&cfg);
    expect_error("seeds = 99999999999999999999\n", "c.ini:4: seeds: expected non-negative integers");
    expect_error("seeds = 5-99999999999999999999\n", "c.ini:4: seeds: expected a range a-b");

    /* the other numbers */
    expect_error("k = 1e400\n", "c.ini:4: k: expected a non-negative number, got '1e400'");
    expect_error("k = nan\n", "c.ini:4: k: expected a non-negative number");
    expect_error("thresholds = -1e309:1\n", "c.ini:4: thresholds: expected lo:hi pairs");
    expect_error("threads = 99999999999999999999\n", "c.ini:4: 'threads': expected an integer in 0..4096");
    expect_error("max_iter = 1000001\n", "c.ini:4: 'max_iter': expected an integer in 1..1000000");
    expect_error("batch = 0\n", "c.ini:4: 'batch': expected an integer in 1..1024");

    /* no fixed caps on lists, datasets and paths */
    {
        size_t cap = 1 << 16, len = 0;
        char *lines = malloc(cap);
        len += (size_t)snprintf(lines + len, cap - len, "thresholds = ");
        for (int i = 0; i < 100; i++) len += (size_t)snprintf(lines + len, cap - len, "%s-%d:%d", i ? "," : "", i + 1, i + 1);
        len += (size_t)snprintf(lines + len, cap - len, "\n");
        char path[128];
        snprintf(path, sizeof path, "%s/caps.ini", dir);
        FILE *f = fopen(path, "w");
        /* each line stays under inih's 199 characters: the long lists come as overrides */
        fputs("[sweep]\nweights = w.h5\nout = r.h5\n", f);
        for (int i = 0; i < 20; i++) fprintf(f, "[dataset d%d]\nkind = folder\nroot = r%d\nfne = f%d.h5\n", i, i, i);
        fclose(f);
        char *k = malloc(cap), *comm = malloc(cap), *seeds = malloc(cap), *longpath = malloc(cap);
        size_t lk = (size_t)snprintf(k, cap, "sweep.k=0"), lc = (size_t)snprintf(comm, cap, "sweep.communities=1");
        for (int i = 1; i < 70; i++) {
            lk += (size_t)snprintf(k + lk, cap - lk, ", %d.5", i);
            lc += (size_t)snprintf(comm + lc, cap - lc, ", %d", i + 1);
        }
        size_t ls = (size_t)snprintf(seeds, cap, "sweep.seeds=");
        for (int i = 0; ls < 10000; i++) ls += (size_t)snprintf(seeds + ls, cap - ls, "%s%d", i ? ", " : "", i);
        size_t lp = (size_t)snprintf(longpath, cap, "dataset d3.fne=/");
        while (lp < 5000) lp += (size_t)snprintf(longpath + lp, cap - lp, "folder/");
        snprintf(longpath + lp, cap - lp, "f.h5");
        lines[len - 1] = '\0';
        char *thr = malloc(cap);
        snprintf(thr, cap, "sweep.%s", lines);
        const char *ov[] = {thr, k, comm, longpath, seeds};
        fg_status st = fg_sweep_config_load(path, ov, 4, NULL, &cfg);
        CHECK(st == FG_OK, "a config beyond the old caps: %s", fg_last_error());
        CHECK(cfg.n_thresholds == 100 && cfg.lo[99] == -100 && cfg.hi[99] == 100 && cfg.n_k == 70 &&
                  cfg.k[69] == 69.5 && cfg.n_communities == 70 && cfg.communities[69].value == 70 &&
                  cfg.n_datasets == 20 && !strcmp(cfg.datasets[19].name, "d19") &&
                  strlen(cfg.datasets[3].fne) > 4980,
              "100 thresholds, 70 k, 70 communities, 20 datasets, a path of 4989 characters: %d %d %d %d %g %lld %zu",
              cfg.n_thresholds, cfg.n_k, cfg.n_communities, cfg.n_datasets, cfg.k[69], (long long)cfg.communities[69].value, strlen(cfg.datasets[3].fne));
        CHECK(cfg.text && strstr(cfg.text, "; --set sweep.thresholds = -1:1,-2:2"), "overrides kept in the text");
        fg_sweep_config_destroy(&cfg);
        st = fg_sweep_config_load(path, ov + 4, 1, NULL, &cfg);
        CHECK(st == FG_OK && cfg.n_seeds > 1500, "a --set list of %zu characters: %d seeds", ls, cfg.n_seeds);
        fg_sweep_config_destroy(&cfg);
        free(lines);
        free(k);
        free(comm);
        free(seeds);
        free(longpath);
        free(thr);
    }
    expect_error("seeds = 1-4097\n", "c.ini:4: seeds: more than 4096 seeds");
    expect_error("seeds = 0-9999999999\n", "c.ini:4: seeds: more than 4096 seeds");

    /* a FIFO is refused at once (a child with a 10 s alarm: a hang fails) */
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo.ini", dir);
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    int rc = in_child(load_fifo, 10);
    CHECK(rc == 0, "a FIFO as the config: child exit %d (142 = hung until the alarm)", rc);

    /* out of memory while keeping the text */
    if (UNDER_ASAN) {
        printf("RLIMIT_AS part skipped in the sanitizer build\n");
    } else {
        char huge[128];
        snprintf(huge, sizeof huge, "%s/huge.ini", dir);
        FILE *f = fopen(huge, "w");
        fputs("[sweep]\nweights = w.h5\nout = r.h5\n", f);
        char line[200];
        memset(line, 'x', sizeof line);
        line[0] = ';';
        line[190] = '\n';
        line[191] = '\0';
        for (int i = 0; i < (48 << 20) / 191; i++) fputs(line, f);
        fputs(TAIL, f);
        fclose(f);
        rc = in_child(load_huge_under_limit, 60);
        CHECK(rc == 0, "realloc failing while keeping the text: child exit %d (1 = loaded with a cut text)", rc);
        unlink(huge);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_sweep_config_limits");
}
