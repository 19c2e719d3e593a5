/* See ref_metrics.h. O(R C min(a, b)) lgamma and exp calls: test sizes only. */
#include "ref_metrics.h"

#include <math.h>

static double lg(double x)
{
    int sign;
    return lgamma_r(x, &sign);
}

double ref_emi(const int64_t *a, uint32_t R, const int64_t *b, uint32_t C, int64_t n)
{
    if (R == 1 || C == 1) return 0.0;
    const double N = (double)n;
    double emi = 0.0;
    for (uint32_t i = 0; i < R; i++)
        for (uint32_t j = 0; j < C; j++) {
            int64_t start = a[i] + b[j] - n > 1 ? a[i] + b[j] - n : 1;
            int64_t end = (a[i] < b[j] ? a[i] : b[j]) + 1;
            for (int64_t nij = start; nij < end; nij++) {
                double term1 = (double)nij / N;
                double term2 = log(N) + log((double)nij) - log((double)a[i]) - log((double)b[j]);
                double gln = lg((double)a[i] + 1) + lg((double)b[j] + 1) + lg(N - (double)a[i] + 1) +
                             lg(N - (double)b[j] + 1) - lg(N + 1) - lg((double)nij + 1) -
                             lg((double)(a[i] - nij) + 1) - lg((double)(b[j] - nij) + 1) -
                             lg(N - (double)a[i] - (double)b[j] + (double)nij + 1);
                emi += term1 * term2 * exp(gln);
            }
        }
    return emi;
}
