"""Freezes the whole block after adding the adapter, so nothing trains. Breaks adapted_ffn."""
# %% adapted_ffn
class AdaptedFFN(nn.Module):
    def __init__(self, ffn: nn.Module, d_model: int, bottleneck: int):
        super().__init__()
        self.ffn = ffn
        self.ffn.requires_grad_(False)
        self.adapter = HoulsbyAdapter(d_model, bottleneck)
        self.requires_grad_(False)


    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.adapter(self.ffn(x))
