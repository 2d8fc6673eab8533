import torch
# x.detach() is x's values as a constant: the gradient of x.detach()*x is x, not 2x.
x = torch.tensor([1.0, 2.0, 5.0], requires_grad=True)
y = (x.detach() * x).sum()
y.backward()
print(x.grad)
