"""Common building blocks and a multi-backend inference wrapper."""
import torch
import torch.nn as nn


def autopad(k, p=None):
    # Pad to "same" shape outputs
    return k // 2 if p is None else p


class Conv(nn.Module):
    # Standard convolution with args(ch_in, ch_out, kernel, stride, padding, groups)
    def __init__(self, c1, c2, k=1, s=1, p=None, g=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, autopad(k, p), groups=g, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class DetectBackend(nn.Module):
    """Run a checkpoint with PyTorch, or an exported ONNX model on the same device."""

    def __init__(self, weights="model.pt", device=torch.device("cpu"), fp16=False):
        super().__init__()
        w = str(weights)
        onnx = w.endswith(".onnx")
        cuda = torch.cuda.is_available() and device.type != "cpu"  # use CUDA
        if onnx:
            import onnxruntime

            providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if cuda else ["CPUExecutionProvider"]
            self.session = onnxruntime.InferenceSession(w, providers=providers)
        else:
            ckpt = torch.load(w, map_location="cpu")
            self.model = ckpt["model"].float().eval()
            if fp16:
                self.model.half()
            self.model.to(device)
        self.onnx, self.fp16, self.device = onnx, fp16, device

    def forward(self, im):
        if self.fp16 and im.dtype != torch.float16:
            im = im.half()
        if self.onnx:
            im = im.cpu().numpy()
            y = self.session.run(None, {self.session.get_inputs()[0].name: im})[0]
            return torch.from_numpy(y).to(self.device)
        return self.model(im)

    def warmup(self, imgsz=(1, 3, 640, 640)):
        # Warm up the model by running inference once
        if self.device.type != "cpu":
            im = torch.empty(*imgsz, dtype=torch.half if self.fp16 else torch.float, device=self.device)
            self.forward(im)
