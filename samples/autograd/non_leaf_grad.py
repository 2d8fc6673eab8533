import torch
# .grad is kept only for leaves: y's is None (torch warns), unless y.retain_grad() is called.
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
z = (y**2).sum()
z.backward()
print(y.grad)
w = x * 3
w.retain_grad()
v = (w**2).sum()
v.backward()
print(w.grad)
print(x.grad)
