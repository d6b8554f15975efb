"""Export a checkpoint: python export.py --weights model.pt --include onnx engine"""
import argparse
from pathlib import Path

import torch
import torch_npu

from models.backend import check_requirements
from utils.torch_utils import select_device


def export_torchscript(model, im, file):
    f = file.with_suffix(".torchscript")
    ts = torch.jit.trace(model, im, strict=False)
    ts.save(str(f))
    return f


def export_onnx(model, im, file, opset=17, simplify=False):
    check_requirements(("onnx>=1.12.0",))
    import onnx

    f = file.with_suffix(".onnx")
    torch.onnx.export(model.cpu() if im.device.type == "cpu" else model, im, f, opset_version=opset)
    if simplify:
        cuda = torch.cuda.is_available()
        check_requirements(("onnxruntime-gpu" if cuda else "onnxruntime", "onnxslim"))
        import onnxslim

        onnx.save(onnxslim.slim(onnx.load(f)), f)
    return f


def export_engine(model, im, file, half=True, workspace=4):
    # TensorRT builds for the GPU the input lives on
    assert im.device.type != "cpu", "export running on CPU but must be on GPU, i.e. `python export.py --device 0`"
    import tensorrt as trt

    onnx_file = export_onnx(model, im, file)
    im = im.to("cuda:0")
    logger = trt.Logger(trt.Logger.INFO)
    builder = trt.Builder(logger)
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace << 30)
    network = builder.create_network(1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH))
    parser = trt.OnnxParser(network, logger)
    parser.parse_from_file(str(onnx_file))
    if half and builder.platform_has_fast_fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    f = file.with_suffix(".engine")
    with builder.build_serialized_network(network, config) as engine, open(f, "wb") as t:
        t.write(engine)
    return f


def export_saved_model(model, im, file):
    check_requirements((f"tensorflow{'' if torch.cuda.is_available() else '-cpu'}<=2.15.1",))
    import tensorflow as tf

    f = Path(str(file).replace(".pt", "_saved_model"))
    tf.saved_model.save(tf.Module(), str(f))
    return f


def run(weights="model.pt", imgsz=640, batch_size=1, device="cpu", include=("torchscript",), half=False):
    device = select_device(device)
    if half:
        assert device.type != "cpu", "--half only works on a GPU, i.e. use --device 0"
    model = torch.load(weights, map_location=device)["model"].float().eval()
    im = torch.zeros(batch_size, 3, imgsz, imgsz).to(device)
    if half:
        im, model = im.half(), model.half()
    file = Path(weights)
    outputs = []
    if "torchscript" in include:
        outputs.append(export_torchscript(model, im, file))
    if "onnx" in include:
        outputs.append(export_onnx(model, im, file))
    if "engine" in include:
        outputs.append(export_engine(model, im, file, half))
    if "saved_model" in include:
        outputs.append(export_saved_model(model, im, file))
    if torch.npu.is_available():
        torch.npu.empty_cache()
    return outputs


def parse_opt():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", type=str, default="model.pt", help="checkpoint to export")
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--device", default="npu:0", help="cuda device, i.e. cuda:0 or cpu")
    parser.add_argument("--include", nargs="+", default=["torchscript"], help="torchscript, onnx, engine, saved_model")
    parser.add_argument("--half", action="store_true", help="FP16 half-precision export (CUDA only)")
    return parser.parse_args()


if __name__ == "__main__":
    opt = parse_opt()
    run(**vars(opt))
