/* Inputs that are not regular files are refused at once, not waited on
 * (issue 13: a FIFO blocks open() for ever): an image given to
 * fg_image_decode_file, a wood label list, a mit67 split list, a textures
 * split list and a label file of `score`, each a FIFO. Every call runs in a
 * child with a 10 s alarm, so a hang fails the check (exit 142) instead of
 * the test. A folder given as an image is refused too. */
#include "fg_test.h"
#include "fnegraph/dataset.h"
#include "fnegraph/image.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "native_layouts.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
static const char *g_path;
static int g_kind;

static void call(void)
{
    fg_status st = FG_OK;
    fg_dataset ds = {0};
    fg_image img = {0};
    int64_t *v = NULL;
    uint64_t n = 0;
    switch (g_kind) {
    case 0: st = fg_image_decode_file(g_path, 0, &img); break;
    case 1: st = fg_dataset_wood(g_path, NULL, &ds); break;
    case 2: st = fg_dataset_mit67(g_path, &ds); break;
    case 3: st = fg_dataset_textures(g_path, &ds); break;
    default: st = fg_labels_read_text(g_path, &v, &n); break;
    }
    int ok = st != FG_OK && (strstr(fg_last_error(), "FIFO") || strstr(fg_last_error(), "folder"));
    if (!ok) fprintf(stderr, "child: %s -> %s: %s\n", g_path, fg_status_str(st), fg_last_error());
    _exit(ok ? 0 : 1);
}

static int in_child(int kind, const char *path)
{
    g_kind = kind;
    g_path = path;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10);
        call();
    }
    int ws = 0;
    waitpid(pid, &ws, 0);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static void fifo_at(const char *path)
{
    unlink(path);
    CHECK(mkfifo(path, 0600) == 0, "mkfifo %s", path);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fg_fifo_XXXXXX");
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    char p[512], root[128];
    int rc;

    snprintf(p, sizeof p, "%s/image.jpg", dir);
    fifo_at(p);
    rc = in_child(0, p);
    CHECK(rc == 0, "a FIFO as an image: child exit %d (142: hung)", rc);
    rc = in_child(0, dir);
    CHECK(rc == 0, "a folder as an image: child exit %d", rc);

    snprintf(root, sizeof root, "%s/wood", dir);
    CHECK(nl_make_wood(root) == 0, "wood layout");
    snprintf(p, sizeof p, "%s/names.txt", root);
    fifo_at(p);
    rc = in_child(1, root);
    CHECK(rc == 0, "a FIFO as wood's names.txt: child exit %d (142: hung)", rc);

    snprintf(root, sizeof root, "%s/mit67", dir);
    CHECK(nl_make_mit67(root) == 0, "mit67 layout");
    snprintf(p, sizeof p, "%s/TrainImages.txt", root);
    fifo_at(p);
    rc = in_child(2, root);
    CHECK(rc == 0, "a FIFO as mit67's TrainImages.txt: child exit %d (142: hung)", rc);

    snprintf(root, sizeof root, "%s/textures", dir);
    CHECK(nl_make_textures(root, 1) == 0, "textures layout");
    snprintf(p, sizeof p, "%s/labels/val1.txt", root);
    fifo_at(p);
    rc = in_child(3, root);
    CHECK(rc == 0, "a FIFO as DTD's val1.txt: child exit %d (142: hung)", rc);

    snprintf(p, sizeof p, "%s/labels.txt", dir);
    fifo_at(p);
    rc = in_child(4, p);
    CHECK(rc == 0, "a FIFO as a score label file: child exit %d (142: hung)", rc);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_input_fifo_lists");
}
