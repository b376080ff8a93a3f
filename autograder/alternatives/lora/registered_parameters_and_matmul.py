"""LoRALinear with A and B registered by name, torch.matmul on the transposed matrices, a merged flag kept as a
tensor-free bool property, and unmerge that recomputes the update from A and B. Must earn full marks."""
# %% lora_linear
class LoRALinear(nn.Module):
    """base(x) + (alpha / r) x A^T B^T, with A (r, k) random and B (d, r) zero at the start."""

    def __init__(self, base, r, alpha=1.0):
        super().__init__()
        self.base = base.requires_grad_(False)
        k, d = base.in_features, base.out_features
        self.register_parameter("A", nn.Parameter(torch.randn(r, k) * (1.0 / k) ** 0.5))
        self.register_parameter("B", nn.Parameter(torch.zeros(d, r)))
        self.scaling = alpha / r
        self._state = {"merged": False}

    @property
    def is_merged(self):
        return self._state["merged"]

    def forward(self, x):
        y = self.base(x)
        if not self.is_merged:
            y = y + self.scaling * torch.matmul(torch.matmul(x, self.A.t()), self.B.t())
        return y

    def delta_weight(self):
        return torch.matmul(self.B, self.A) * self.scaling

    def merge(self):
        if self.is_merged:
            return
        with torch.no_grad():
            self.base.weight.add_(self.delta_weight())
        self._state["merged"] = True

    def unmerge(self):
        if not self.is_merged:
            return
        with torch.no_grad():
            self.base.weight.sub_(self.delta_weight())
        self._state["merged"] = False
