import torch
from torch import nn
# A small regression model trained with a helper function, as a tutorial would write it.
torch.manual_seed(0)
model = nn.Linear(1, 1)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
inputs = torch.tensor([[1.0], [2.0], [3.0]])
targets = torch.tensor([[3.0], [5.0], [7.0]])

def train_step(inputs, targets):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss.item()

for epoch in range(5):
    loss = train_step(inputs, targets)
    print(f"epoch {epoch}: loss {loss:.4f}")
print(model.weight, model.bias)
