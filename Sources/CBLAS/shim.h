// OpenBLAS (apt: libopenblas-dev): CBLAS plus the two LAPACK drivers the engine needs.
// This shim has no API of its own; the LAPACK prototypes are the reference Fortran ABI
// (gfortran passes the length of each character argument as a trailing size_t).
#ifndef EOS_CBLAS_SHIM_H
#define EOS_CBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>

void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
            double *w, double *work, const int *lwork, int *info, size_t jobz_len, size_t uplo_len);
void ssyev_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
            float *w, float *work, const int *lwork, int *info, size_t jobz_len, size_t uplo_len);
#endif
