import torch
# backward on a vector needs gradient=: the weights of a weighted sum of y's elements.
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.backward(gradient=torch.tensor([1.0, 0.1, 0.01]))
print(x.grad)
