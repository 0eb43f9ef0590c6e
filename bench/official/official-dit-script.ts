/**
 * The official Wan2.2 DiT forward (WanModel from the Wan2.2 repository, TI2V-5B's shapes,
 * random weights) timed with PyTorch on CUDA, as Python source: bench:gpu writes it to a
 * temporary file and runs it, so the bundled bench needs no file of this repository.
 * Arguments: WAN_DIR WIDTH HEIGHT FRAMES DTYPE(fp16|fp32) RUNS; prints one JSON line.
 */
export const OFFICIAL_DIT_SCRIPT = String.raw`
import json, sys, time
wan_dir, width, height, frames, dtype_name, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
sys.path.insert(0, wan_dir)
import torch
if not torch.cuda.is_available():
    print(json.dumps({"skipped": "PyTorch has no CUDA device"})); sys.exit(0)
from wan.modules.model import WanModel
dtype = torch.float16 if dtype_name == "fp16" else torch.float32
torch.manual_seed(0)
model = WanModel(model_type="ti2v", patch_size=(1, 2, 2), text_len=512, in_dim=48, dim=3072, ffn_dim=14336,
                 freq_dim=256, text_dim=4096, out_dim=48, num_heads=24, num_layers=30)
model = model.to(device="cuda", dtype=dtype).eval().requires_grad_(False)
lat = (1 + (frames - 1) // 4, height // 16, width // 16)
x = torch.randn(48, *lat, device="cuda", dtype=dtype)
seq_len = lat[0] * (lat[1] // 2) * (lat[2] // 2)
context = torch.randn(512, 4096, device="cuda", dtype=dtype)
t = torch.full((1,), 500.0, device="cuda")
torch.cuda.reset_peak_memory_stats()
with torch.no_grad(), torch.autocast("cuda", dtype=dtype, enabled=dtype != torch.float32):
    model([x], t=t, context=[context], seq_len=seq_len)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(runs):
        model([x], t=t, context=[context], seq_len=seq_len)
    torch.cuda.synchronize()
elapsed = (time.perf_counter() - start) / runs
print(json.dumps({"secondsPerPass": elapsed, "device": torch.cuda.get_device_name(0), "peakBytes": torch.cuda.max_memory_allocated()}))
`;
