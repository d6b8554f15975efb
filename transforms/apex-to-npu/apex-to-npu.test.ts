import * as path from 'node:path';
import { runPassCases } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { apexToNpu } from './apex-to-npu';

/** Report-only cases: the output is the input. */
function reported(name: string, code: string, manual: (string | RegExp)[]) {
  return { name, code, output: code, manual };
}

runPassCases(apexToNpu, {
  valid: [
    // comments, docstrings, strings
    '# from apex.optimizers import FusedAdam\nx = 1\n',
    'def f():\n    """Uses apex.optimizers.FusedAdam and amp_C."""\n    return 1\n',
    'name = "apex.optimizers.FusedAdam"\nprint("import amp_C")\n',
    // apex APIs that work with Ascend's apex
    'from apex import amp\nwith amp.scale_loss(loss, optimizer) as scaled_loss:\n    scaled_loss.backward()\n',
    'from apex import amp\nmodel, opt = amp.initialize(model, opt, opt_level="O2", loss_scale="dynamic", combine_grad=True)\n',
    'import apex\nopt = apex.optimizers.NpuFusedAdamW(model.parameters(), lr=1e-3)\n',
    'from apex.optimizers import NpuFusedSGD\nopt = NpuFusedSGD(model.parameters(), lr=0.1)\n',
    // already migrated
    'from torch_npu.optim import NpuFusedAdam\nopt = NpuFusedAdam(model.parameters(), lr=1e-3)\n',
    'import torch\nmodel = torch.nn.parallel.DistributedDataParallel(model, device_ids=[rank])\n',
    // user names that look like apex's
    'class FusedAdam:\n    pass\n\nopt = FusedAdam()\n',
    'from mylib.optimizers import FusedAdam\nopt = FusedAdam(params)\n',
    'apex = load_config()\nopt = apex.optimizers.FusedAdam(params)\n',
    'def build(apex):\n    return apex.optimizers.FusedAdam(params)\n',
    'amp_C_available = False\n',
    'import torch\nfrom apex import amp\namp.register_float_function(torch, "sigmoid")\n',
    // torch.cuda.amp is cuda-api-to-npu's
    'import torch\nscaler = torch.cuda.amp.GradScaler()\n',
  ],
  invalid: [
    reported('import amp_C', 'import torch\nimport amp_C\n', ['[manual] import amp_C: amp_C is not available on NPU']),
    reported(
      'amp_C kernels through multi_tensor_applier',
      'import amp_C\nfrom apex.multi_tensor_apply import multi_tensor_applier\nnorm, _ = multi_tensor_applier(amp_C.multi_tensor_l2norm, buf, [grads], False)\nmulti_tensor_applier(amp_C.multi_tensor_scale, buf, [src, dst], 1.0 / scale)\n',
      ['import amp_C: amp_C is not available on NPU', 'amp_C.multi_tensor_l2norm has no NPU twin', 'amp_C.multi_tensor_scale has no NPU twin'],
    ),
    reported(
      'amp_C guarded by try/except ImportError',
      'try:\n    import amp_C\n    HAVE_AMP_C = True\nexcept ImportError:\n    HAVE_AMP_C = False\n',
      ['import amp_C: amp_C is not available on NPU'],
    ),
    reported(
      'FusedAdam through from-import with an alias: AdamW by default',
      'from apex.optimizers import FusedAdam as Adam\nopt = Adam(model.parameters(), lr=1e-3)\n',
      ['[manual] apex.optimizers.FusedAdam: use torch_npu.optim.NpuFusedAdamW'],
    ),
    reported(
      'FusedAdam with adam_w_mode=False is an Adam',
      'import apex\nopt = apex.optimizers.FusedAdam(model.parameters(), lr=1e-3, adam_w_mode=False, weight_decay=0.01)\n',
      ['apex.optimizers.FusedAdam: use torch_npu.optim.NpuFusedAdam'],
    ),
    reported(
      'FusedAdam through a module alias, a submodule path and isinstance: one finding per use',
      'import apex.optimizers as aopt\nfrom apex.optimizers.fused_adam import FusedAdam\nopt = aopt.FusedAdam(params)\nif isinstance(opt, FusedAdam):\n    pass\n',
      ['apex.optimizers.FusedAdam: use torch_npu.optim.NpuFusedAdamW', 'apex.optimizers.FusedAdam: use torch_npu.optim.NpuFusedAdamW'],
    ),
    reported(
      'FusedAdam with **kwargs: the mode is not known',
      'from apex.optimizers import FusedAdam\nopt = FusedAdam(params, **cfg.optimizer)\n',
      ['apex.optimizers.FusedAdam: use torch_npu.optim.NpuFusedAdamW / NpuFusedAdam'],
    ),
    reported(
      'FusedLAMB and FusedSGD',
      'from apex.optimizers import FusedLAMB, FusedSGD\nopt1 = FusedLAMB(params, lr=1e-3)\nopt2 = FusedSGD(params, lr=0.1, momentum=0.9)\n',
      ['apex.optimizers.FusedLAMB: use torch_npu.optim.NpuFusedLamb', 'apex.optimizers.FusedSGD: use torch_npu.optim.NpuFusedSGD'],
    ),
    reported(
      'optimizers with no NPU twin',
      'from apex import optimizers\nopt = optimizers.FusedNovoGrad(params)\nopt2 = optimizers.FusedMixedPrecisionLamb(params)\n',
      ['apex.optimizers.FusedNovoGrad: no NPU twin', 'apex.optimizers.FusedMixedPrecisionLamb: no NPU twin'],
    ),
    reported(
      'an imported optimizer that is not used is reported at the import',
      'from apex.optimizers import FusedAdam\n',
      ['apex.optimizers.FusedAdam: use torch_npu.optim.NpuFusedAdamW'],
    ),
    reported(
      'amp.initialize without combine_grad',
      'from apex import amp\n\ndef setup(model, opt):\n    model, opt = amp.initialize(model, opt, opt_level="O1")\n    return model, opt\n',
      ['apex.amp.initialize: add combine_grad=True on NPU'],
    ),
    reported(
      'apex.parallel.DistributedDataParallel',
      'from apex.parallel import DistributedDataParallel as DDP\nmodel = DDP(model, delay_allreduce=True)\n',
      ['apex.parallel.DistributedDataParallel: use torch.nn.parallel.DistributedDataParallel'],
    ),
    reported(
      'apex.parallel through import apex, SyncBatchNorm conversion',
      'import apex\nmodel = apex.parallel.convert_syncbn_model(model)\nmodel = apex.parallel.DistributedDataParallel(model)\n',
      ['apex.parallel.convert_syncbn_model: use torch.nn.SyncBatchNorm.convert_sync_batchnorm', 'apex.parallel.DistributedDataParallel: use torch.nn.parallel.DistributedDataParallel'],
    ),
    reported(
      'apex.normalization layers',
      'from apex.normalization.fused_layer_norm import FusedLayerNorm as BertLayerNorm\nfrom apex.normalization import FusedRMSNorm\nln = BertLayerNorm(768, eps=1e-12)\nrms = FusedRMSNorm(768)\n',
      ['apex.normalization.FusedLayerNorm: use torch.nn.LayerNorm', 'apex.normalization.FusedRMSNorm: use torch.nn.RMSNorm or torch_npu.npu_rms_norm'],
    ),
    reported(
      'apex modules that Ascend\'s apex does not document: one finding per import',
      'from apex.contrib.xentropy import SoftmaxCrossEntropyLoss\nimport apex.transformer.tensor_parallel as tp\nloss = SoftmaxCrossEntropyLoss.apply(logits, labels)\n',
      ['apex.contrib is not part of Ascend\'s apex', 'apex.transformer is not part of Ascend\'s apex'],
    ),
    reported(
      'inside a function and a class',
      'class Trainer:\n    def build(self):\n        from apex.optimizers import FusedAdam\n        self.opt = FusedAdam(self.model.parameters(), lr=self.lr, weight_decay=0.0)\n',
      ['apex.optimizers.FusedAdam: use torch_npu.optim.NpuFusedAdamW'],
    ),
  ],
});

runFixtures(apexToNpu, path.join(__dirname, 'fixtures'));
