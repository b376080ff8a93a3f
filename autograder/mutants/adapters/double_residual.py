"""Adds another residual around the adapter: ffn(x) + adapter(ffn(x)) counts ffn(x) twice. Breaks adapted_ffn."""
# %% adapted_ffn
class AdaptedFFN(nn.Module):
    def __init__(self, ffn: nn.Module, d_model: int, bottleneck: int):
        super().__init__()
        self.ffn = ffn
        self.ffn.requires_grad_(False)
        self.adapter = HoulsbyAdapter(d_model, bottleneck)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.ffn(x)
        return y + self.adapter(y)
