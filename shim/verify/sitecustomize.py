"""ascendify verify: loaded by Python at start-up because `ascendify verify` puts this folder first on PYTHONPATH.

It does nothing unless ASCENDIFY_VERIFY_DIR is set (the folder the records go to). Then:
- it first runs the sitecustomize this one hides (Debian's, a virtualenv's), so start-up stays as it was;
- when the real torch_npu is importable, it only records that (no simulation: the program runs on what is there);
- otherwise it makes `import torch_npu` give the simulated torch_npu and patches torch once torch is imported
  (see ascendify_verify/__init__.py). Nothing is imported eagerly: a Python process that never imports torch
  pays nothing but this file.
"""
import os
import sys


def _chain_hidden_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        import importlib.machinery
        import importlib.util

        rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
        if spec is None or spec.loader is None:
            return
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except Exception as e:  # the hidden one failing must not hide ours; Python itself only warns too
        sys.stderr.write(f"ascendify verify: the hidden sitecustomize failed: {type(e).__name__}: {e}\n")


_chain_hidden_sitecustomize()

if os.environ.get("ASCENDIFY_VERIFY_DIR"):
    import ascendify_verify

    ascendify_verify.start()
