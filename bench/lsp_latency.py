#!/usr/bin/env python3
"""Language server latency: the time from a didChange to the publishDiagnostics that
answers it, on a generated .flow file of 2,000 lines (the file of compile_speed.py),
through the real `flowc lsp` over pipes. Two kinds of edit: one that keeps the file
valid (parse + every check, the slow path) and one that makes a syntax error (parse only).
Prints the median and 90th percentile of each (goal: median under 30 ms).

    python3 bench/lsp_latency.py [--flowc build/flowc/flowc] [--lines 2000] [--edits 60]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

from compile_speed import FLOW_BODY, FLOW_TEMPLATE, FLOW_WORKFLOW_HEAD, generate


class Server:
    def __init__(self, flowc):
        self.process = subprocess.Popen([flowc, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 1

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.process.stdout.readline().strip()
            if not line:
                break
            name, value = line.split(b":", 1)
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        self.next_id += 1
        while "result" not in (reply := self.read()):
            pass
        return reply["result"]

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self):
        while (message := self.read()).get("method") != "textDocument/publishDiagnostics":
            pass
        return message["params"]["diagnostics"]

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout=10)


def measure(server, uri, edits):
    """Milliseconds from each didChange to its diagnostics; edits are (range, text, expected count)."""
    times = []
    for version, (range_, text, expected) in enumerate(edits, start=2):
        start = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"range": range_, "text": text}]})
        diagnostics = server.diagnostics()
        times.append((time.perf_counter() - start) * 1000)
        assert len(diagnostics) == expected, diagnostics
    return times


def at(line, character, length):
    return {"start": {"line": line, "character": character}, "end": {"line": line, "character": character + length}}


def report(name, times):
    times = sorted(times)
    p90 = times[int(len(times) * 0.9) - 1]
    print(f"{name:<28}: median {statistics.median(times):5.1f} ms, p90 {p90:5.1f} ms, "
          f"min {times[0]:5.1f} ms ({len(times)} edits)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flowc", default="build/flowc/flowc")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=60)
    args = parser.parse_args()

    text = generate(args.lines, FLOW_TEMPLATE, FLOW_WORKFLOW_HEAD, FLOW_BODY, "}")
    lines = text.splitlines()
    # The first `count * 2` (a valid edit: 2 <-> 3) and the first `delay 2 hours` (an edit
    # that breaks the file: the duration <-> nothing).
    number_line = next(i for i, line in enumerate(lines) if "count * 2" in line)
    number_at = lines[number_line].index("count * 2") + len("count * ")
    delay_line = next(i for i, line in enumerate(lines) if "delay 2 hours" in line)
    delay_at = lines[delay_line].index("2 hours")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "generated.flow")
        with open(path, "w") as f:
            f.write(text)
        uri = "file://" + path
        server = Server(args.flowc)
        server.request("initialize", {"processId": None, "rootUri": "file://" + tmp})
        server.notify("initialized", {})
        start = time.perf_counter()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "flow", "version": 1,
                                                                "text": text}})
        assert server.diagnostics() == []
        print(f"file: {len(lines)} lines; didOpen to diagnostics {(time.perf_counter() - start) * 1000:.1f} ms")

        valid = [(at(number_line, number_at, 1), "3" if i % 2 == 0 else "2", 0) for i in range(args.edits)]
        report("valid edit (full check)", measure(server, uri, valid))
        broken = [(at(delay_line, delay_at, 7), "", 1) if i % 2 == 0 else (at(delay_line, delay_at, 0), "2 hours", 0)
                  for i in range(args.edits)]
        report("syntax error and its fix", measure(server, uri, broken))
        assert server.stop() == 0


if __name__ == "__main__":
    main()
