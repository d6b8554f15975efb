"""A tiny U-Net-like model (enough to exercise the conversion)."""
import torch
import torch.nn as nn


class TinySeg(nn.Module):
    def __init__(self, channels=(32, 64, 128), classes=19):
        super().__init__()
        layers = []
        cin = 3
        for c in channels:
            layers += [nn.Conv2d(cin, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(inplace=True)]
            cin = c
        self.body = nn.Sequential(*layers)
        self.head = nn.Conv2d(cin, classes, 1)

    def forward(self, x):
        return self.head(self.body(x))


def load(path, device="cuda"):
    model = TinySeg()
    model.load_state_dict(torch.load(path, map_location=device))
    return model.to(device).eval()
