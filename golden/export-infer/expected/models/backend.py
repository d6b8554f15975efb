"""One wrapper for every exported format: PyTorch, TorchScript, ONNX, TensorRT."""
from collections import OrderedDict, namedtuple
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn


class InferenceBackend(nn.Module):
    def __init__(self, weights="model.pt", device=torch.device("cpu"), fp16=False):
        super().__init__()
        w = str(weights)
        suffix = Path(w).suffix
        pt, jit, onnx, engine = (suffix == s for s in (".pt", ".torchscript", ".onnx", ".engine"))
        cuda = torch.cuda.is_available() and device.type != "cpu"  # use CUDA
        if pt:
            ckpt = torch.load(w, map_location="cpu")
            model = ckpt["model"].float().eval()
            self.model = model.half() if fp16 else model
            self.model.to(device)
        elif jit:
            self.model = torch.jit.load(w, map_location=device)
        elif onnx:
            check_requirements(("onnx", "onnxruntime-gpu" if cuda else "onnxruntime"))
            import onnxruntime

            providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if cuda else ["CPUExecutionProvider"]
            self.session = onnxruntime.InferenceSession(w, providers=providers)
        elif engine:
            import tensorrt as trt

            if device.type == "cpu":
                device = torch.device("cuda:0")
            Binding = namedtuple("Binding", ("name", "dtype", "shape", "data", "ptr"))
            logger = trt.Logger(trt.Logger.INFO)
            with open(w, "rb") as f, trt.Runtime(logger) as runtime:
                self.engine = runtime.deserialize_cuda_engine(f.read())
            self.bindings = OrderedDict()
            for i in range(self.engine.num_io_tensors):
                name = self.engine.get_tensor_name(i)
                shape = tuple(self.engine.get_tensor_shape(name))
                im = torch.from_numpy(np.empty(shape, dtype=np.float32)).to(device)
                self.bindings[name] = Binding(name, np.float32, shape, im, int(im.data_ptr()))
        self.pt, self.jit, self.onnx, self.engine_file = pt, jit, onnx, engine
        self.fp16, self.device = fp16, device

    def forward(self, im):
        if self.fp16 and im.dtype != torch.float16:
            im = im.half()
        if self.pt or self.jit:
            return self.model(im)
        if self.onnx:
            y = self.session.run(None, {self.session.get_inputs()[0].name: im.cpu().numpy()})[0]
            return torch.from_numpy(y).to(self.device)
        raise NotImplementedError("TensorRT execution is left out of this sample")

    def warmup(self, imgsz=(1, 3, 640, 640)):
        # one pass to build kernels and allocate memory
        if self.device.type != "cpu":
            im = torch.empty(*imgsz, dtype=torch.half if self.fp16 else torch.float, device=self.device)
            self.forward(im)


def check_requirements(names):
    """Stand-in: a real repository would pip-install what is missing."""
    return names
