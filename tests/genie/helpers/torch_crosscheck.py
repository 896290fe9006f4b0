# Cross-check of the TypeScript torch.save codec against real torch (tests/genie/torch-format.spec.ts).
# stdin: {"cases": [{"dtype", "shape", "raw", "ts"}]} with base64 raw element bytes and the
# TypeScript encoding; stdout: what torch.save writes for the same tensor (protocol 2 and 4,
# and a strided view of it), and what torch.load(weights_only=True) reads from the TypeScript bytes.
import base64, io, json, sys
import torch

def b64(b): return base64.b64encode(bytes(b)).decode()
def raw(t): return b64(t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
def saved(t, **kw):
    buf = io.BytesIO()
    torch.save(t, buf, **kw)
    return b64(buf.getvalue())

out = []
for case in json.load(sys.stdin)["cases"]:
    dtype = getattr(torch, case["dtype"])
    shape = tuple(case["shape"])
    data = bytearray(base64.b64decode(case["raw"]))
    t = torch.frombuffer(data, dtype=dtype).reshape(shape) if len(data) else torch.empty(shape, dtype=dtype)
    r = {"torch": saved(t), "torch_p4": saved(t, pickle_protocol=4)}
    view = t.transpose(0, 1) if t.dim() >= 2 and t.shape[0] > 1 and t.shape[1] > 1 else (t[1:] if t.dim() == 1 and t.numel() > 1 else None)
    if view is not None:
        r["view"] = {"torch": saved(view), "shape": list(view.shape), "raw": raw(view)}
    if dtype.is_floating_point and t.numel() > 0:
        r["requires_grad"] = saved(t.clone().requires_grad_(True))
    try:
        loaded = torch.load(io.BytesIO(base64.b64decode(case["ts"])), weights_only=True)
        r["loaded"] = {"dtype": str(loaded.dtype).replace("torch.", ""), "shape": list(loaded.shape), "raw": raw(loaded), "device": str(loaded.device)}
    except Exception as e:
        r["load_error"] = f"{type(e).__name__}: {e}"
    out.append(r)
json.dump({"torch_version": torch.__version__, "results": out}, sys.stdout)
