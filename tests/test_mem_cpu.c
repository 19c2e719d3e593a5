/* Aligned allocation and CPU dispatch: 64-byte alignment, overflow refused
 * with a message, and FNEGRAPH_ISA capping the kernels' ISA. */
#include "fg_test.h"
#include "fnegraph/cpu.h"
#include "fnegraph/mem.h"

#include <stdint.h>
#include <string.h>

int main(void)
{
    for (size_t n = 0; n < 300; n += 7) {
        unsigned char *p = fg_alloc(n, 3);
        CHECK(p != NULL && ((uintptr_t)p % 64) == 0, "fg_alloc(%zu, 3) aligned", n);
        if (p) memset(p, 1, n * 3);
        fg_free(p);
    }
    int *z = fg_calloc(1000, sizeof *z);
    int zero = z != NULL;
    for (int i = 0; z && i < 1000; i++) zero &= z[i] == 0;
    CHECK(zero, "fg_calloc zero-fills");
    fg_free(z);
    fg_free(NULL);
    fg_error_clear();
    CHECK(fg_alloc(SIZE_MAX / 2, 4) == NULL, "overflowing size refused");
    CHECK(fg_last_error_code() == FG_ENOMEM && strstr(fg_last_error(), "overflows"), "%s", fg_last_error());

    /* The cap is read once, on the first query: set it before. */
    const char *want = getenv("FG_TEST_EXPECT_ISA");
    unsigned f = fg_cpu_features();
    fg_isa isa = fg_cpu_isa();
    printf("cpu: %s; features: %s; kernels: %s\n", fg_cpu_model(), fg_cpu_features_str(), fg_isa_name(isa));
    if (isa == FG_ISA_AVX512) CHECK((f & FG_CPU_AVX512BW) && (f & FG_CPU_AVX512VL), "avx512 needs bw, vl");
    if (isa >= FG_ISA_AVX2) CHECK((f & FG_CPU_AVX2) && (f & FG_CPU_FMA), "avx2 needs avx2 and fma");
    if (want) CHECK(strcmp(fg_isa_name(isa), want) == 0, "kernels %s, expected %s", fg_isa_name(isa), want);
    CHECK(fg_cpu_isa() == isa, "the choice is stable");

    setenv("FNEGRAPH_ISA", "avx1024", 1);
    CHECK_FAILS(fg_cpu_check_env(), FG_EINVAL, "FNEGRAPH_ISA=avx1024");
    setenv("FNEGRAPH_ISA", "scalar", 1);
    CHECK_OK(fg_cpu_check_env());
    CHECK(fg_cpu_isa() == isa, "changing the environment later does not change the choice");
    return fg_test_done("test_mem_cpu");
}
