from .triton_kernels import softmax
