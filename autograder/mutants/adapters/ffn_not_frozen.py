"""Forgets to freeze the feed-forward block, so it trains along with the adapter. Breaks adapted_ffn."""
# %% adapted_ffn
class AdaptedFFN(nn.Module):
    def __init__(self, ffn: nn.Module, d_model: int, bottleneck: int):
        super().__init__()
        self.ffn = ffn

        self.adapter = HoulsbyAdapter(d_model, bottleneck)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.adapter(self.ffn(x))
