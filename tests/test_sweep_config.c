/* Sweep configs: the docs/formats.md example parses to the right grid, paths are
 * resolved against the config's folder, overrides apply, and every mistake
 * is an error naming file:line (or the override) and what was expected. */
#include "fg_test.h"
#include "sweep_config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static const char *write_ini(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static const char *GOOD =
    "; the example of docs/formats.md\n"
    "[sweep]\n"
    "weights     = weights/vgg16_weights_tf_dim_ordering_tf_kernels.h5\n"
    "out         = results/table2.h5\n"
    "thresholds  = -2:2, -1.5:1.5       ; lo:hi pairs\n"
    "k           = 1.5, 2               ; feature-feature sparsity\n"
    "communities = classes, 2*classes, 10   ; absolute, or a multiple of the dataset's classes\n"
    "seeds       = 1-10                 ; a range a-b and/or a list\n"
    "variant     = paper                ; paper | standard\n"
    "threads     = 0                    ; 0 = all cores\n"
    "\n"
    "[dataset wood]                     ; one section per dataset\n"
    "kind  = wood\n"
    "root  = data/wood\n"
    "split = all\n"
    "fne   = cache/wood_fne.h5\n"
    "\n"
    "[dataset mit67]\n"
    "kind = mit67\n"
    "root = /abs/mit67\n"
    "split = train\n"
    "fne = cache/mit67.h5\n";

/* Load `text` and expect an error mentioning `needle` (e.g. "bad.ini:3:"). */
static void expect_error(const char *text, const char *needle, const char *const *ov, int nov)
{
    fg_sweep_config *cfg = calloc(1, sizeof *cfg);
    const char *p = write_ini("bad.ini", text);
    fg_error_clear();
    fg_status st = fg_sweep_config_load(p, ov, nov, NULL, cfg);
    CHECK(st == FG_EINVAL, "expected an error for:\n%s", text);
    CHECK(strstr(fg_last_error(), needle) != NULL, "error '%s' does not mention '%s'", fg_last_error(), needle);
    fg_sweep_config_destroy(cfg);
    free(cfg);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fg_cfg_XXXXXX");
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    fg_sweep_config *cfg = calloc(1, sizeof *cfg);
    const char *p = write_ini("good.ini", GOOD);
    CHECK_OK(fg_sweep_config_load(p, NULL, 0, NULL, cfg));
    char want[512];
    snprintf(want, sizeof want, "%s/weights/vgg16_weights_tf_dim_ordering_tf_kernels.h5", dir);
    CHECK(!strcmp(cfg->weights, want), "weights relative to the config: %s", cfg->weights);
    CHECK(cfg->n_thresholds == 2 && cfg->lo[1] == -1.5 && cfg->hi[1] == 1.5, "thresholds");
    CHECK(cfg->n_k == 2 && cfg->k[0] == 1.5 && cfg->k[1] == 2.0, "k");
    CHECK(cfg->n_communities == 3 && cfg->communities[0].per_class && cfg->communities[0].value == 1 &&
              cfg->communities[1].per_class && cfg->communities[1].value == 2 &&
              !cfg->communities[2].per_class && cfg->communities[2].value == 10,
          "communities");
    CHECK(fg_sweep_communities_for(&cfg->communities[1], 7) == 14, "2*classes of 7");
    char buf[32];
    fg_sweep_communities_str(&cfg->communities[1], buf, sizeof buf);
    CHECK(!strcmp(buf, "2*classes"), "%s", buf);
    CHECK(cfg->n_seeds == 10 && cfg->seeds[0] == 1 && cfg->seeds[9] == 10, "seeds 1-10");
    CHECK(cfg->variant == FG_FLUID_PAPER && cfg->threads == 0 && cfg->max_iter == 100, "scalars");
    CHECK(cfg->preprocess == FG_PREPROCESS_CAFFE && cfg->resize == FG_RESIZE_DIRECT && cfg->conv == FG_CONV_DIRECT &&
              cfg->precision == FG_PRECISION_F32 && cfg->batch == 8,
          "extraction defaults");
    CHECK(cfg->n_datasets == 2 && !strcmp(cfg->datasets[0].name, "wood") &&
              cfg->datasets[1].split == FG_SPLIT_TRAIN && !strcmp(cfg->datasets[1].root, "/abs/mit67"),
          "datasets");
    CHECK(cfg->datasets[0].split == FG_SPLIT_ALL && cfg->datasets[0].labels == NULL && cfg->datasets[0].line == 12 &&
              !strcmp(cfg->datasets[0].kind, "wood"),
          "dataset wood: split, no labels, line %d", cfg->datasets[0].line);
    CHECK(cfg->text && strstr(cfg->text, "seeds       = 1-10"), "config text kept");
    CHECK(cfg->n_methods == 1 && cfg->methods[0] == FG_METHOD_FLUIDC && cfg->restarts == 1 &&
              cfg->kmeans_max_iter == 300 && fg_sweep_has_method(cfg, FG_METHOD_FLUIDC) &&
              !fg_sweep_has_method(cfg, FG_METHOD_KMEANS),
          "methods default to fluidc, restarts 1, kmeans_max_iter 300");
    fg_sweep_config_destroy(cfg);

    /* the k-means baselines' keys (issue 16) */
    const char *ovm[] = {"sweep.methods = kmeans-ternary, fluidc ,kmeans", "sweep.restarts=4", "sweep.kmeans_max_iter=50"};
    CHECK_OK(fg_sweep_config_load(p, ovm, 3, NULL, cfg));
    CHECK(cfg->n_methods == 3 && cfg->methods[0] == FG_METHOD_KMEANS_TERNARY && cfg->methods[1] == FG_METHOD_FLUIDC &&
              cfg->methods[2] == FG_METHOD_KMEANS && cfg->restarts == 4 && cfg->kmeans_max_iter == 50,
          "methods in the config's order, restarts, kmeans_max_iter");
    fg_sweep_config_destroy(cfg);
    expect_error("[sweep]\nmethods = fluidc, spectral\n",
                 "bad.ini:2: methods: expected a list of fluidc, kmeans, kmeans-ternary, got 'spectral'", NULL, 0);
    expect_error("[sweep]\nmethods = kmeans, kmeans\n", "bad.ini:2: methods: 'kmeans' is listed twice", NULL, 0);
    expect_error("[sweep]\nrestarts = 0\n", "bad.ini:2: 'restarts': expected an integer in 1..100000, got '0'", NULL, 0);
    p = write_ini("good.ini", GOOD); /* write_ini's path buffer is shared */

    /* overrides: any key, a dataset section with its space, --out */
    const char *ov[] = {"sweep.k=2.5", "dataset wood.root=/data/wood", "sweep.seeds = 3, 7-8",
                        "dataset new.kind=folder", "dataset new.root=imgs", "dataset new.fne=n.h5"};
    CHECK_OK(fg_sweep_config_load(p, ov, 6, "/tmp/r.h5", cfg));
    CHECK(cfg->n_k == 1 && cfg->k[0] == 2.5, "k overridden");
    CHECK(!strcmp(cfg->datasets[0].root, "/data/wood"), "root overridden: %s", cfg->datasets[0].root);
    CHECK(cfg->n_seeds == 3 && cfg->seeds[0] == 3 && cfg->seeds[2] == 8, "seeds overridden");
    CHECK(cfg->n_datasets == 3 && !strcmp(cfg->datasets[2].root, "imgs"), "override adds a dataset, path relative to cwd");
    CHECK(!strcmp(cfg->out, "/tmp/r.h5"), "--out");
    CHECK(strstr(cfg->text, "; --set sweep.k=2.5"), "overrides recorded in the text");
    fg_sweep_config_destroy(cfg);

    /* every enum key takes the stage's values, typed */
    const char *ov_enum[] = {"sweep.variant=standard", "sweep.preprocess=raw", "sweep.resize=crop",
                             "sweep.conv=winograd", "sweep.precision=bf16", "dataset wood.split=val",
                             "dataset wood.labels=names.txt", "sweep.batch=16", "sweep.out="};
    CHECK_OK(fg_sweep_config_load(p, ov_enum, 8, NULL, cfg));
    CHECK(cfg->variant == FG_FLUID_STANDARD && cfg->preprocess == FG_PREPROCESS_RAW && cfg->resize == FG_RESIZE_CROP &&
              cfg->conv == FG_CONV_WINOGRAD && cfg->precision == FG_PRECISION_BF16 && cfg->batch == 16 &&
              cfg->datasets[0].split == FG_SPLIT_VAL && !strcmp(cfg->datasets[0].labels, "names.txt"),
          "typed values from overrides");
    fg_sweep_config_destroy(cfg);
    CHECK(cfg->datasets == NULL && cfg->text == NULL && cfg->n_datasets == 0, "destroy zeroes");
    expect_error(GOOD, "bad.ini: [sweep] needs 'out' (the results .h5 file), or give --out", ov_enum, 9);
    /* defaults: the paper's setting */
    p = write_ini("min.ini", "[sweep]\nweights = w.h5\nout = r.h5\n[dataset d]\nkind = folder\nroot = x\nfne = f.h5\n");
    CHECK_OK(fg_sweep_config_load(p, NULL, 0, NULL, cfg));
    CHECK(cfg->n_thresholds == 1 && cfg->lo[0] == -2 && cfg->hi[0] == 2 && cfg->k[0] == 1.5 &&
              cfg->communities[0].per_class && cfg->n_seeds == 1,
          "defaults");
    fg_sweep_config_destroy(cfg);
    free(cfg);

    expect_error("[sweep]\nweights = w.h5\ntresholds = -2:2\n", "bad.ini:3: unknown key 'tresholds' in [sweep]", NULL, 0);
    expect_error("[sweep]\nk = 1.5, abc\n", "bad.ini:2: k: expected a non-negative number, got 'abc'", NULL, 0);
    expect_error("[sweep]\nthresholds = -2:2, 3:1\n", "bad.ini:2: thresholds: '3:1' needs lo < hi", NULL, 0);
    expect_error("[sweep]\nthresholds = -2\n", "bad.ini:2: thresholds: expected lo:hi pairs", NULL, 0);
    expect_error("[sweep]\nk = 1.5, 2,\n", "bad.ini:2: 'k': empty item in the list '1.5, 2,'", NULL, 0);
    expect_error("[sweep]\nseeds = 1,,3\n", "bad.ini:2: 'seeds': empty item in the list '1,,3'", NULL, 0);
    expect_error("[sweep]\ncommunities = , classes\n", "bad.ini:2: 'communities': empty item", NULL, 0);
    expect_error("[sweep]\nk = 1.5, 2, 1.50\n", "bad.ini:2: k: '1.50' is listed twice", NULL, 0);
    expect_error("[sweep]\nthresholds = -2:2, -1:1, -2:2\n", "bad.ini:2: thresholds: '-2:2' is listed twice", NULL, 0);
    expect_error("[sweep]\nseeds = 1-5, 3\n", "bad.ini:2: seeds: seed 3 is listed twice", NULL, 0);
    expect_error("[sweep]\nk =\n", "bad.ini:2: 'k' has no value", NULL, 0);
    expect_error("[sweep]\ncommunities = 3*clusters\n", "bad.ini:2: communities: expected a number, 'classes'", NULL, 0);
    expect_error("[sweep]\nseeds = 5-2\n", "bad.ini:2: seeds: expected a range", NULL, 0);
    expect_error("[sweep]\nvariant = fast\n", "bad.ini:2: variant: expected paper or standard", NULL, 0);
    expect_error("\n[sweeps]\nk = 1\n", "bad.ini:2: unknown section [sweeps]", NULL, 0);
    expect_error("[sweep]\nk = 1\nk = 2\n", "bad.ini:3: 'k' is given twice", NULL, 0);
    expect_error("[dataset wood]\nkind = oak\n", "bad.ini:2: kind: expected folder, mit67", NULL, 0);
    expect_error("[dataset wood]\nkind = wood\nsplit = validation\n", "bad.ini:3: split: expected all, train, val or test", NULL, 0);
    expect_error("[dataset wood]\ncolour = brown\n", "bad.ini:2: unknown key 'colour' in [dataset wood]", NULL, 0);
    expect_error("[sweep]\nthis line is wrong\n", "bad.ini:2: cannot parse this line", NULL, 0);
    expect_error("[sweep]\nthreads = -1\n", "bad.ini:2: 'threads': expected an integer in 0..4096, got '-1'", NULL, 0);
    expect_error("[sweep]\nweights = w.h5\nout = r.h5\n[dataset wood]\nkind = wood\nroot = r\n",
                 "bad.ini:4: [dataset wood] needs 'fne'", NULL, 0);
    expect_error("[sweep]\nout = r.h5\n[dataset d]\nkind = folder\nroot = r\nfne = f\n", "bad.ini: [sweep] needs 'weights'", NULL, 0);
    char longline[400];
    memset(longline, '1', sizeof longline);
    memcpy(longline, "[sweep]\nseeds = ", 16);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    expect_error(longline, "bad.ini:2: line longer than", NULL, 0);
    expect_error("[sweep]\nweights = w.h5\nfoo = 1\n",
                 "bad.ini:3: unknown key 'foo' in [sweep] (known: weights, out, thresholds, k, communities, seeds, "
                 "variant, threads, batch, preprocess, resize, max_iter, conv, precision, methods, restarts, kmeans_max_iter)", NULL, 0);
    expect_error("[dataset d]\nfoo = 1\n",
                 "bad.ini:2: unknown key 'foo' in [dataset d] (known: kind, root, split, fne, labels)", NULL, 0);
    expect_error("[sweep]\npreprocess = bgr\n", "bad.ini:2: preprocess: expected caffe or raw, got 'bgr'", NULL, 0);
    expect_error("[sweep]\nresize = fit\n", "bad.ini:2: resize: expected direct or crop, got 'fit'", NULL, 0);
    expect_error("[sweep]\nconv = fft\n", "bad.ini:2: conv: expected direct or winograd, got 'fft'", NULL, 0);
    expect_error("[sweep]\nprecision = f16\n", "bad.ini:2: precision: expected f32 or bf16, got 'f16'", NULL, 0);
    expect_error("[dataset wood]\nkind = oak\n",
                 "bad.ini:2: kind: expected folder, mit67, flowers102, textures or wood, got 'oak'", NULL, 0);
    expect_error("[sweep]\nweights = w.h5\nout = r.h5\n[dataset d]\nkind = folder\nroot = r\nfne = f\nlabels = l\n",
                 "bad.ini:4: [dataset d]: 'labels' applies to kind = wood only", NULL, 0);
    const char *bad_ov[] = {"sweep.kk=2"};
    expect_error(GOOD, "--set 'sweep.kk=2': unknown key 'kk'", bad_ov, 1);
    const char *bad_ov2[] = {"sweep-k=2"};
    expect_error(GOOD, "--set 'sweep-k=2': expected section.key=value", bad_ov2, 1);

    /* the shipped configs: table2.ini is the paper's exact setting */
    cfg = calloc(1, sizeof *cfg);
    CHECK_OK(fg_sweep_config_load(FG_SOURCE_DIR "/experiments/configs/table2.ini", NULL, 0, NULL, cfg));
    CHECK(cfg->n_thresholds == 1 && cfg->lo[0] == -2 && cfg->hi[0] == 2 && cfg->n_k == 1 && cfg->k[0] == 1.5 &&
              cfg->n_communities == 1 && cfg->communities[0].per_class && cfg->communities[0].value == 1 &&
              cfg->n_seeds == 10 && cfg->variant == FG_FLUID_PAPER && cfg->n_datasets == 4,
          "table2.ini is the paper's setting");
    int mit_train = 0;
    for (int i = 0; i < cfg->n_datasets; i++)
        mit_train |= !strcmp(cfg->datasets[i].kind, "mit67") && cfg->datasets[i].split == FG_SPLIT_TRAIN;
    CHECK(mit_train, "table2.ini uses mit67's train split");
    fg_sweep_config_destroy(cfg);
    CHECK_OK(fg_sweep_config_load(FG_SOURCE_DIR "/experiments/configs/sweep.ini", NULL, 0, NULL, cfg));
    CHECK(cfg->n_thresholds == 4 && cfg->n_k == 3 && cfg->n_communities == 3 && cfg->n_seeds == 5,
          "sweep.ini is a real grid");
    fg_sweep_config_destroy(cfg);
    free(cfg);

    fg_sweep_config c2;
    CHECK_FAILS(fg_sweep_config_load("/nonexistent/x.ini", NULL, 0, NULL, &c2), FG_EIO, "/nonexistent/x.ini: cannot open");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_sweep_config");
}
