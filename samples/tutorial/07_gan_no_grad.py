import torch
from torch import nn
# The blog's GAN loop, made runnable: a tiny generator and discriminator on 2-D points
# (gen_img_plot is replaced by a print). Epoch losses are summed inside torch.no_grad(): the
# same numbers, but the epoch losses hold no graph.
torch.manual_seed(0)
gen = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2), nn.Tanh())
dis = nn.Sequential(nn.Linear(2, 4), nn.LeakyReLU(), nn.Linear(4, 1), nn.Sigmoid())
d_optim = torch.optim.Adam(dis.parameters(), lr=0.01)
g_optim = torch.optim.Adam(gen.parameters(), lr=0.01)
loss_function = nn.BCELoss()
real_data = torch.randn(8, 2) * 0.5 + 1.0
test_input = torch.randn(2, 2)
batch_count = 2
D_loss = []
G_loss = []
for epoch in range(2):
    d_epoch_loss = 0
    g_epoch_loss = 0
    for step in range(batch_count):
        noises = torch.randn(8, 2)
        gen_img = gen(noises)
        # 判别器的损失 (the discriminator must not push gradients into the generator)
        d_optim.zero_grad()
        real_output = dis(real_data)
        d_real_loss = loss_function(real_output, torch.ones_like(real_output))
        fake_output = dis(gen_img.detach())
        d_fake_loss = loss_function(fake_output, torch.zeros_like(fake_output))
        d_loss = d_real_loss + d_fake_loss
        d_loss.backward()
        d_optim.step()
        # 得到生成器的损失
        g_optim.zero_grad()
        fake_output = dis(gen_img)
        g_loss = loss_function(fake_output,
                               torch.ones_like(fake_output))
        g_loss.backward()
        g_optim.step()
        with torch.no_grad():
            d_epoch_loss += d_loss
            g_epoch_loss += g_loss
    with torch.no_grad():
        d_epoch_loss /= batch_count
        g_epoch_loss /= batch_count
    D_loss.append(d_epoch_loss)
    G_loss.append(g_epoch_loss)
    print('Epoch:', epoch)
    print(gen(test_input))
print(D_loss)
print(G_loss)
