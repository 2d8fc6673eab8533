import torch
# Three SGD steps on f(w, b) = mean((w*x + b - y)^2), zeroing gradients every step.
x = torch.tensor([1.0, 2.0, 3.0])
y = torch.tensor([2.0, 4.0, 6.0])
w = torch.tensor(0.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
optimizer = torch.optim.SGD([w, b], lr=0.1)
for step in range(3):
    optimizer.zero_grad()
    loss = ((w * x + b - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 4), round(w.item(), 4), round(b.item(), 4))
