"""Build the fused CUDA ops: python setup.py build_ext --inplace"""
from setuptools import setup, find_packages
from torch.utils.cpp_extension import BuildExtension, CUDAExtension

setup(
    name="tiny-llm",
    version="0.1.0",
    packages=find_packages(),
    install_requires=["torch>=2.1", "numpy", "flash-attn>=2.3.0"],
    ext_modules=[
        CUDAExtension(
            name="tiny_llm_ops",
            sources=["csrc/fused_ops.cpp", "csrc/fused_kernels.cu"],
            extra_compile_args={"cxx": ["-O3"], "nvcc": ["-O3", "--use_fast_math"]},
        )
    ],
    cmdclass={"build_ext": BuildExtension},
)
