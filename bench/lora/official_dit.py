"""One forward of the official Wan2.2 DiT (wan/modules/model.py, unmodified) on given weights.

Usage: python3 official_dit.py <dir with Wan2.2's model.py and attention.py> <weights.safetensors> \
           <transformer config.json> <case.safetensors> <out.safetensors>

The weights are in diffusers names (as our checkpoints and `lora-official-check.ts` write them) and are
mapped to Wan's names here. As for the tiny-a goldens: float32 on the CPU, attention as a plain
softmax(q k^T / sqrt(d)) v with the key-length mask (flash-attn is CUDA only), diffusers' ConfigMixin /
ModelMixin stood in by torch's nn.Module. Needs torch (Debian python3-torch) and numpy only.
"""
import json
import re
import struct
import sys
import types

import numpy as np
import torch

DTYPES = {'F32': np.float32, 'F64': np.float64, 'I64': np.int64}


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop('__metadata__', {})
    out = {}
    for name, t in header.items():
        a, b = t['data_offsets']
        out[name] = np.frombuffer(data[a:b], dtype=DTYPES[t['dtype']]).reshape(t['shape'])
    return out, meta


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(array.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


# diffusers name -> Wan name (the inverse of Wan's convert script), written out here on its own.
TO_WAN = [
    (r'^condition_embedder\.text_embedder\.linear_1\.', 'text_embedding.0.'),
    (r'^condition_embedder\.text_embedder\.linear_2\.', 'text_embedding.2.'),
    (r'^condition_embedder\.time_embedder\.linear_1\.', 'time_embedding.0.'),
    (r'^condition_embedder\.time_embedder\.linear_2\.', 'time_embedding.2.'),
    (r'^condition_embedder\.time_proj\.', 'time_projection.1.'),
    (r'^proj_out\.', 'head.head.'),
    (r'^scale_shift_table$', 'head.modulation'),
    (r'^(blocks\.\d+)\.scale_shift_table$', r'\1.modulation'),
    (r'^(blocks\.\d+)\.attn1\.', r'\1.self_attn.'),
    (r'^(blocks\.\d+)\.attn2\.', r'\1.cross_attn.'),
    (r'^(blocks\.\d+\.(?:self|cross)_attn)\.to_([qkv])\.', r'\1.\2.'),
    (r'^(blocks\.\d+\.(?:self|cross)_attn)\.to_out\.0\.', r'\1.o.'),
    (r'^(blocks\.\d+)\.ffn\.net\.0\.proj\.', r'\1.ffn.0.'),
    (r'^(blocks\.\d+)\.ffn\.net\.2\.', r'\1.ffn.2.'),
    (r'^(blocks\.\d+)\.norm2\.', r'\1.norm3.'),
]


def wan_name(name):
    for pattern, replacement in TO_WAN:
        name = re.sub(pattern, replacement, name)
    return name


def plain_attention(q, k, v, q_lens=None, k_lens=None, **_):
    # q, k, v: [B, L, heads, d]; keys past k_lens are masked.
    scores = torch.einsum('blhd,bshd->bhls', q.float(), k.float()) / q.shape[-1] ** 0.5
    if k_lens is not None:
        mask = torch.arange(k.shape[1])[None, :] >= k_lens[:, None]
        scores = scores.masked_fill(mask[:, None, None, :], float('-inf'))
    return torch.einsum('bhls,bshd->blhd', scores.softmax(-1), v.float()).type_as(q)


def load_wan_model(source_dir):
    stub = types.ModuleType('diffusers')
    configuration = types.ModuleType('diffusers.configuration_utils')
    configuration.ConfigMixin = object
    configuration.register_to_config = lambda f: f
    modeling = types.ModuleType('diffusers.models.modeling_utils')
    modeling.ModelMixin = torch.nn.Module
    sys.modules.update({'diffusers': stub, 'diffusers.configuration_utils': configuration, 'diffusers.models': types.ModuleType('diffusers.models'),
                        'diffusers.models.modeling_utils': modeling})
    package = types.ModuleType('wanmodules')
    package.__path__ = [source_dir]
    sys.modules['wanmodules'] = package
    import importlib
    model = importlib.import_module('wanmodules.model')
    model.flash_attention = plain_attention
    return model.WanModel


def main(source_dir, weights_path, config_path, case_path, out_path):
    config = json.load(open(config_path))
    WanModel = load_wan_model(source_dir)
    heads = config['num_attention_heads']
    dim = heads * config['attention_head_dim']
    model = WanModel(model_type='ti2v', patch_size=tuple(config['patch_size']), text_len=512, in_dim=config['in_channels'], dim=dim,
                     ffn_dim=config['ffn_dim'], freq_dim=config['freq_dim'], text_dim=config['text_dim'], out_dim=config['out_channels'],
                     num_heads=heads, num_layers=config['num_layers'], eps=config['eps'])
    weights, _ = read_safetensors(weights_path)
    state = {wan_name(k): torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in weights.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(k.endswith('freqs') for k in missing), (missing, unexpected)
    model.eval()
    case, meta = read_safetensors(case_path)
    x, t, context = (torch.from_numpy(np.array(case[n])) for n in ('x', 't', 'context'))
    context_len = int(meta['context_len'])
    with torch.no_grad():
        v = model([x[0]], t=t, context=[context[0, :context_len]], seq_len=int(meta['seq_len']))[0]
    write_safetensors(out_path, {'v': v.unsqueeze(0).numpy()})


if __name__ == '__main__':
    main(*sys.argv[1:6])
