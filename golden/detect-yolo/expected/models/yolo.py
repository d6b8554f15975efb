"""A small single-scale detection model."""
import torch
import torch.nn as nn

from models.common import Conv


class Detect(nn.Module):
    stride = None  # strides computed during build

    def __init__(self, nc=80, anchors=(), ch=()):
        super().__init__()
        self.nc = nc
        self.no = nc + 5
        self.na = len(anchors) // 2
        self.m = nn.ModuleList(nn.Conv2d(x, self.no * self.na, 1) for x in ch)
        self.register_buffer("anchors", torch.tensor(anchors).float().view(-1, 2))

    def forward(self, x):
        z = []
        for i in range(len(self.m)):
            x[i] = self.m[i](x[i])
            bs, _, ny, nx = x[i].shape
            yv, xv = torch.meshgrid(torch.arange(ny, device=x[i].device), torch.arange(nx, device=x[i].device), indexing="ij")
            grid = torch.stack((xv, yv), 2).expand(1, self.na, ny, nx, 2).float()
            z.append((x[i].view(bs, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2) + grid.unsqueeze(-1)).view(bs, -1, self.no))
        return torch.cat(z, 1)


class Model(nn.Module):
    def __init__(self, cfg="yolo-s.yaml", ch=3, nc=80):
        super().__init__()
        self.backbone = nn.Sequential(Conv(ch, 32, 3, 2), Conv(32, 64, 3, 2), Conv(64, 128, 3, 2))
        self.detect = Detect(nc, anchors=(10, 13, 16, 30, 33, 23), ch=(128,))
        self.names = [f"class{i}" for i in range(nc)]

    def forward(self, x):
        return self.detect([self.backbone(x)])
