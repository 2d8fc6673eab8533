import torch
# retain_graph=True keeps the saved values: the second backward works and accumulates.
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x**2).sum()
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
