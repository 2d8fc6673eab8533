import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.inference_mode():
    y = torch.tensor([3.0, 4.0]) * 2
print(y.requires_grad)
z = (w + y).sum()
print(z)
loss = (w * y).sum()
