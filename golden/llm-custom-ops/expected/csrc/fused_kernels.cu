#include <torch/extension.h>
#include <cuda_runtime.h>

template <typename T>
__global__ void rms_norm_kernel(const T* x, const T* w, T* out, int n, float eps) {
  extern __shared__ float buf[];
  int row = blockIdx.x;
  float sum = 0.f;
  for (int i = threadIdx.x; i < n; i += blockDim.x) {
    float v = static_cast<float>(x[row * n + i]);
    sum += v * v;
  }
  buf[threadIdx.x] = sum;
  __syncthreads();
  float scale = rsqrtf(buf[0] / n + eps);
  for (int i = threadIdx.x; i < n; i += blockDim.x) {
    out[row * n + i] = static_cast<T>(static_cast<float>(x[row * n + i]) * scale) * w[i];
  }
}

__global__ void rotary_kernel(float* q, const float* cos, const float* sin, int d) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < d / 2) {
    float a = q[i], b = q[i + d / 2];
    q[i] = a * cos[i] - b * sin[i];
    q[i + d / 2] = a * sin[i] + b * cos[i];
  }
}

torch::Tensor rms_norm_cuda(torch::Tensor x, torch::Tensor weight, double eps) {
  auto out = torch::empty_like(x);
  int n = x.size(-1);
  int rows = x.numel() / n;
  rms_norm_kernel<float><<<rows, 256, 256 * sizeof(float)>>>(
      x.data_ptr<float>(), weight.data_ptr<float>(), out.data_ptr<float>(), n, static_cast<float>(eps));
  return out;
}

torch::Tensor rotary_embedding_cuda(torch::Tensor q, torch::Tensor cos, torch::Tensor sin) {
  int d = q.size(-1);
  rotary_kernel<<<(d + 255) / 256, 256>>>(q.data_ptr<float>(), cos.data_ptr<float>(), sin.data_ptr<float>(), d);
  return q;
}

// Registered as a torch op too, so torch.compile can see it.
TORCH_LIBRARY(tiny_llm, m) {
  m.def("rms_norm(Tensor x, Tensor weight, float eps) -> Tensor");
}

TORCH_LIBRARY_IMPL(tiny_llm, CUDA, m) {
  m.impl("rms_norm", &rms_norm_cuda);
}
