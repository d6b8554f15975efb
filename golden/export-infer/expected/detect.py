# Run inference on a folder of images and profile the first batches:
#   python detect.py --weights model.onnx --source images/
import argparse
from pathlib import Path

import torch
from torch_npu.profiler import ProfilerActivity, profile, schedule, tensorboard_trace_handler

from models.backend import InferenceBackend
from utils.kernels import decode_boxes, scale_boxes
from utils.torch_utils import select_device, time_sync

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="model.pt")
parser.add_argument("--source", default="images/")
parser.add_argument("--device", default="", help="cuda device, i.e. 0 or cpu")
parser.add_argument("--half", action="store_true")
parser.add_argument("--profile-dir", default="runs/profile")
opt = parser.parse_args()

device = select_device(opt.device)
half = opt.half and device.type != "cpu"  # FP16 on CUDA only
model = InferenceBackend(opt.weights, device=device, fp16=half)
model.warmup(imgsz=(1, 3, 640, 640))

images = sorted(Path(opt.source).glob("*.jpg"))
activities = [ProfilerActivity.CPU]
if torch.npu.is_available():
    activities.append(ProfilerActivity.NPU)

with profile(
    activities=activities,
    schedule=schedule(wait=1, warmup=1, active=3, repeat=1),
    on_trace_ready=tensorboard_trace_handler(opt.profile_dir),
    record_shapes=True,
) as prof:
    for path in images:
        im = torch.rand(1, 3, 640, 640).to(device)
        im = im.half() if half else im.float()
        t0 = time_sync()
        pred = model(im)
        boxes = scale_boxes(decode_boxes(pred, 32), 1.0)
        dt = time_sync() - t0
        print(f"{path.name}: {boxes.shape[0]} boxes in {dt * 1e3:.1f} ms")
        prof.step()

if torch.npu.is_available():
    print(torch.npu.memory_summary(device=device))
    torch.npu.empty_cache()
