import torch
# x**2 saves x for backward; the first backward frees what was saved.
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x**2).sum()
y.backward()
print(x.grad)
y.backward()
print(x.grad)
