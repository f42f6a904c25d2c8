#ifndef EOS_CVECTORMATH_H
#define EOS_CVECTORMATH_H

/// result[i] = tanh(x[i]) for i < count (see VectorTanh.c for the method and accuracy).
void eos_tanh_f32(const float *x, float *result, long count);
void eos_tanh_f64(const double *x, double *result, long count);

#endif
