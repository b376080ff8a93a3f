"""LoRA as peft initialises it (A with Kaiming-uniform, as nn.Linear does) and a forward that applies the summed
weight W0 + scaling * B A through F.linear instead of adding a second product. Must earn full marks."""
# %% lora_linear
import torch.nn.functional as F


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float = 1.0):
        super().__init__()
        self.base = base
        base.weight.requires_grad = False
        if base.bias is not None:
            base.bias.requires_grad = False
        self.scaling = float(alpha) / r
        self.A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))
        self.merged = False

    def delta_weight(self):
        return self.scaling * self.B @ self.A

    def forward(self, x):
        if self.merged:
            return self.base(x)
        return F.linear(x, self.base.weight + self.delta_weight(), self.base.bias)

    def merge(self):
        if not self.merged:
            self.base.weight.data += self.delta_weight().detach()
            self.merged = True

    def unmerge(self):
        if self.merged:
            self.base.weight.data -= self.delta_weight().detach()
            self.merged = False
