"""`torch.tensor(y)` to convert the inputs, which on a tensor input makes a copy and raises PyTorch's
copy-construct UserWarning ("To copy construct from a tensor, it is recommended to use sourceTensor.clone()..."),
in the metrics and in mlm_mask. A warning is not a failure: must earn full marks."""
# %% mlm_mask
#-     inputs = input_ids.clone()
#+     inputs = torch.tensor(input_ids)
# %% accuracy
#-     y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
#+     y_true, y_pred = torch.tensor(y_true), torch.tensor(y_pred)
# %% macro_f1
#-     y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
#+     y_true, y_pred = torch.tensor(y_true), torch.tensor(y_pred)
# %% micro_f1
#-     y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
#+     y_true, y_pred = torch.tensor(y_true), torch.tensor(y_pred)
