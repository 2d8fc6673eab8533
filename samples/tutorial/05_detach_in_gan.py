import torch
from torch import nn
# The blog's first detach: fake_image = g_net(noises.detach()).detach(), made runnable with a
# tiny generator. The outer detach() keeps the discriminator's gradients out of g_net.
torch.manual_seed(0)
g_net = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2), nn.Tanh())
noises = torch.randn(3, 2)
fake_image = g_net(noises.detach()).detach()
print(fake_image.requires_grad, fake_image.grad_fn)
