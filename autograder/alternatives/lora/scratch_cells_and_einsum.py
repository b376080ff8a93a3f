"""A correct LoRA written another way, with the scratch lines a student leaves behind: top-level `x`, `n`,
`d` and `layer` (names the hidden tests also use inside their own helpers), einsum instead of @, and merge
state kept in a differently named flag. Must earn full marks."""
# %% lora_linear
x = torch.randn(2, 3)  # scratch: trying shapes out
n = 4
class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha=1.0):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad = False
        self.scaling = alpha / r
        self.A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))
        self.is_merged = False

    def forward(self, x):
        out = self.base(x)
        if not self.is_merged:
            out = out + self.scaling * torch.einsum("...k,rk,dr->...d", x, self.A, self.B)
        return out

    def delta_weight(self):
        return self.scaling * torch.einsum("dr,rk->dk", self.B, self.A)

    def merge(self):
        if self.is_merged:
            return
        with torch.no_grad():
            self.base.weight.add_(self.delta_weight())
        self.is_merged = True

    def unmerge(self):
        if not self.is_merged:
            return
        with torch.no_grad():
            self.base.weight.sub_(self.delta_weight())
        self.is_merged = False
layer = LoRALinear(nn.Linear(3, 5), r=2)
print(layer(x).shape)
# %% lora_params
d = 8
def lora_params(in_features, out_features, r):
    return r * in_features + out_features * r
# %% apply_lora
n = 0
def apply_lora(model, target_modules, r, alpha=1.0):
    for p in model.parameters():
        p.requires_grad_(False)
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            full = f"{name}.{child_name}" if name else child_name
            if isinstance(child, nn.Linear) and any(full.endswith(t) for t in target_modules):
                setattr(module, child_name, LoRALinear(child, r, alpha))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
