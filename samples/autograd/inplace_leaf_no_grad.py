import torch
# The fix: update the parameter inside torch.no_grad(); w stays a leaf.
w = torch.tensor([1.0, -2.0], requires_grad=True)
loss = (w**2).sum()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
print(w)
print(w.is_leaf)
