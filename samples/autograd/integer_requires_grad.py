import torch
# Integers have no derivative: only floating-point tensors can require grad.
x = torch.tensor([1, 2, 3], requires_grad=True)
