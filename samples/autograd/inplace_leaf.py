import torch
# A leaf that requires grad cannot be changed in place while autograd records.
w = torch.tensor([1.0, -2.0], requires_grad=True)
loss = (w**2).sum()
loss.backward()
w -= 0.1 * w.grad
print(w)
