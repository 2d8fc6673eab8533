import torch
# exp saves its output for backward; changing that output in place breaks backward.
x = torch.tensor([0.0, 1.0], requires_grad=True)
y = torch.exp(x)
y.add_(1)
y.sum().backward()
