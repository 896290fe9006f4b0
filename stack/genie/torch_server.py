"""A torch tensor server with genie.runtime.simple_server v0.1's HTTP contract, stdlib only.

Contract: jaewan/Genie genie/runtime/simple_server.py@a6ccba5292b00e2629d4c4519fd041ed10d9dfb7
(FastAPI): GET / and GET /health with the same JSON, POST /execute with multipart fields
`operation` and `tensor_file` (torch.save bytes) answering torch.save bytes of the result on
the CPU, any failure 500 {"detail": "Execution failed: ..."}, a missing form field 422 in
FastAPI's validation shape, 404/405 as Starlette answers them. It exists so the Genie suite can
run against real torch compute (CUDA when present) where FastAPI and Genie are not installed:

    GENIE_CMD='python3 stack/genie/torch_server.py --host {host} --port {port}'

Additions, both also in the mock: /health has gpu_name and gpu_count, and a tensor reply
carries x-genie-compute-ms (the op's time, CUDA-synchronized) and x-genie-shape.
"""

import argparse
import io
import json
import sys
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch

OPS = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "abs": torch.abs,
    "neg": torch.neg,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
}
DEVICE = torch.device("cuda:0") if torch.cuda.is_available() else torch.device("cpu")
STATS = {"requests_total": 0, "requests_success": 0, "requests_failed": 0, "start_time": datetime.now()}


def sync():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize(DEVICE)


def multipart_fields(content_type, body):
    """{name: bytes} of a multipart/form-data body; {} when it is not one."""
    if not content_type.startswith("multipart/form-data") or "boundary=" not in content_type:
        return {}
    boundary = content_type.split("boundary=", 1)[1].split(";")[0].strip().strip('"').encode()
    fields = {}
    for part in body.split(b"--" + boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.partition(b"\r\n\r\n")
        for line in head.decode("latin1").split("\r\n"):
            if line.lower().startswith("content-disposition:") and 'name="' in line:
                fields[line.split('name="', 1)[1].split('"', 1)[0]] = value[:-2] if value.endswith(b"\r\n") else value
    return fields


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def reply(self, status, body, content_type="application/json", headers=None):
        data = json.dumps(body).encode() if content_type == "application/json" else body
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/":
            return self.reply(200, {"service": "Genie Remote Execution Server", "version": "0.1.0", "status": "running",
                                    "endpoints": {"health": "/health", "execute": "/execute (POST)"}})
        if self.path == "/health":
            cuda = torch.cuda.is_available()
            return self.reply(200, {
                "status": "healthy", "device": str(DEVICE), "device_type": DEVICE.type, "cuda_available": cuda,
                "gpu_name": torch.cuda.get_device_name(0) if cuda else None, "gpu_count": torch.cuda.device_count() if cuda else 0,
                "uptime": str(datetime.now() - STATS["start_time"]),
                "stats": {"total_requests": STATS["requests_total"], "successful": STATS["requests_success"], "failed": STATS["requests_failed"]},
            })
        if self.path == "/execute":
            return self.reply(405, {"detail": "Method Not Allowed"})
        self.reply(404, {"detail": "Not Found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path in ("/", "/health"):
            return self.reply(405, {"detail": "Method Not Allowed"})
        if self.path != "/execute":
            return self.reply(404, {"detail": "Not Found"})
        fields = multipart_fields(self.headers.get("content-type", ""), body)
        missing = [n for n in ("operation", "tensor_file") if n not in fields]
        if missing:
            return self.reply(422, {"detail": [{"type": "missing", "loc": ["body", n], "msg": "Field required", "input": None} for n in missing]})
        STATS["requests_total"] += 1
        operation = fields["operation"].decode("utf-8", "replace")
        try:
            tensor = torch.load(io.BytesIO(fields["tensor_file"]), weights_only=True).to(DEVICE)
            if operation not in OPS:
                raise ValueError(f"Operation '{operation}' not supported. Supported: {list(OPS)}")
            sync()
            start = time.perf_counter()
            result = OPS[operation](tensor)
            sync()
            compute_ms = (time.perf_counter() - start) * 1000
            out = io.BytesIO()
            torch.save(result.cpu(), out)
        except Exception as e:  # the v0.1 contract: every failure is a 500 with the reason
            STATS["requests_failed"] += 1
            return self.reply(500, {"detail": f"Execution failed: {e}"})
        STATS["requests_success"] += 1
        self.reply(200, out.getvalue(), "application/octet-stream",
                   {"x-genie-compute-ms": f"{compute_ms:.4f}", "x-genie-shape": json.dumps(list(result.shape))})


def main():
    parser = argparse.ArgumentParser(description="torch tensor server with the Genie simple_server v0.1 contract")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port} device={DEVICE} torch={torch.__version__}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
