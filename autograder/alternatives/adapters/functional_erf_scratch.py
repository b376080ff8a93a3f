"""A correct adapter written with F.linear and the exact GELU by its formula z * Phi(z) (erf), up zeroed through
.data, with scratch lines a student leaves behind (top-level h, x, adapter). Must earn full marks."""
# %% houlsby_adapter
h = torch.randn(2, 8)  # scratch: trying shapes out
x = h
class HoulsbyAdapter(nn.Module):
    def __init__(self, d_model: int, bottleneck: int):
        super().__init__()
        self.down = nn.Linear(d_model, bottleneck)
        self.up = nn.Linear(bottleneck, d_model)
        self.up.weight.data.zero_()
        self.up.bias.data.zero_()

    def forward(self, h):
        z = F.linear(h, self.down.weight, self.down.bias)
        g = 0.5 * z * (1.0 + torch.erf(z / math.sqrt(2.0)))
        return h + F.linear(g, self.up.weight, self.up.bias)
adapter = HoulsbyAdapter(8, 2)
print(adapter(h).shape)
