"""General helpers: logging, seeding, file checks."""
import logging
import os
import random
from pathlib import Path

import numpy as np
import torch
import torch_npu

LOGGER = logging.getLogger("detector")
ROOT = Path(__file__).resolve().parents[1]


def init_seeds(seed=0, deterministic=False):
    # Initialize random number generators, see https://pytorch.org/docs/stable/notes/randomness.html
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.npu.manual_seed(seed)
    torch.npu.manual_seed_all(seed)  # for Multi-GPU, exception safe
    if deterministic:
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.deterministic = True
        os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"
        os.environ["PYTHONHASHSEED"] = str(seed)


def colorstr(*parts):
    # Colors a string for terminals, e.g. colorstr("blue", "hello")
    *args, string = parts if len(parts) > 1 else ("blue", "bold", parts[0])
    return string


def check_file(file):
    """Return the path of an existing file, searching the repository when needed."""
    file = str(file)
    if os.path.isfile(file) or not file:
        return file
    files = [str(p) for p in ROOT.rglob(file)]
    assert files, f"File not found: {file}"
    return files[0]
