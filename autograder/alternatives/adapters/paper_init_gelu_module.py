"""A correct adapter initialised as in the paper's code: down from a small Gaussian (std 0.01) with a zero bias,
up zeroed under torch.no_grad(), the GELU kept as a module attribute (nn.GELU()). Must earn full marks."""
# %% houlsby_adapter
class HoulsbyAdapter(nn.Module):
    def __init__(self, d_model, bottleneck):
        super().__init__()
        self.down = nn.Linear(d_model, bottleneck)
        self.act = nn.GELU()
        self.up = nn.Linear(bottleneck, d_model)
        nn.init.normal_(self.down.weight, std=1e-2)
        nn.init.zeros_(self.down.bias)
        with torch.no_grad():
            self.up.weight.zero_()
            self.up.bias.zero_()

    def forward(self, h):
        z = self.act(self.down(h))
        return self.up(z) + h
