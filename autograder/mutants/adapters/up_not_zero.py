"""Keeps up's default random initialisation, so the adapter is not the identity at the start. Breaks houlsby_adapter."""
# %% houlsby_adapter
class HoulsbyAdapter(nn.Module):
    def __init__(self, d_model: int, bottleneck: int):
        super().__init__()
        self.down = nn.Linear(d_model, bottleneck)
        self.up = nn.Linear(bottleneck, d_model)


    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.up(F.gelu(self.down(h)))
