import torch
x = torch.tensor([[1.0,2.0],[3.0,4.0]], requires_grad=True)
y = x * 2
print(y)
print(y.requires_grad)
with torch.no_grad():
    z = x * 2
    print(z)
    print(z.requires_grad)
    print(x.requires_grad)
print(torch.sum(z).requires_grad)
