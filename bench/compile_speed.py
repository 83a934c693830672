#!/usr/bin/env python3
"""Compile speed: flowc on a generated 10,000-line .flow file against `luac5.4 -p` on a
Lua file of the same number of lines and a similar shape (conditions, calls, assignments,
string literals). Prints lines per second for both and their ratio (goal: ratio >= 1).

    python3 bench/compile_speed.py [--flowc build/flowc/flowc] [--lines 10000] [--runs 7]
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

FLOW_TEMPLATE = """template t{i} {{
  type marketing
  subject "Hello {{{{ firstName ?? "friend" }}}}, offer {i}"
  from "shop@acme.test"
  html "<p>Hi {{{{ firstName ?? "there" }}}}, item {{{{ event.item }}}} is waiting.</p>"
}}
"""

FLOW_WORKFLOW_HEAD = """workflow w{i} on "event.{i}" {{
  name "Workflow {i}"
  reentry allowed
  let count = 0
  label again
"""

FLOW_BODY = [
    '  send t{i}',
    '  delay 2 hours',
    '  if contact.data.plan == "pro" and len(contact.data.tags ?? []) > 2 {{',
    '    update contact {{ score: count * 2 + 1, seen: true }}',
    '  }} else if contact.data.plan in ["free", "trial"] {{',
    '    count = count + 1',
    '  }}',
    '  wait for "email.click" within 3 days {{',
    '    received {{ update contact {{ clicked: true }} }}',
    '    timeout {{ send t{i} }}',
    '  }}',
    '  if count < 3 {{',
    '    goto again',
    '  }}',
]

LUA_TEMPLATE = """t{i} = {{
  type = "marketing",
  subject = "Hello " .. (firstName or "friend") .. ", offer {i}",
  from = "shop@acme.test",
  html = "<p>Hi " .. (firstName or "there") .. ", item " .. tostring(event.item) .. " is waiting.</p>",
}}
"""

LUA_WORKFLOW_HEAD = """function w{i}(contact, event)
  local name = "Workflow {i}"
  local reentry = true
  local count = 0
  ::again::
"""

LUA_BODY = [
    '  send(t{i})',
    '  delay(2 * 3600)',
    '  if contact.data.plan == "pro" and #(contact.data.tags or {{}}) > 2 then',
    '    update(contact, {{ score = count * 2 + 1, seen = true }})',
    '  elseif contact.data.plan == "free" or contact.data.plan == "trial" then',
    '    count = count + 1',
    '  end',
    '  if wait("email.click", 3 * 86400) then',
    '    update(contact, {{ clicked = true }})',
    '  else send(t{i})',
    '  end',
    '  if count < 3 then',
    '    goto again',
    '  end',
]


def generate(lines, template, head, body, close):
    """Whole template + workflow units until there are at least `lines` lines."""
    out, i = [], 0
    while len(out) < lines:
        out += (template.format(i=i) + head.format(i=i)).splitlines()
        out += [line.format(i=i) for line in body] + [close]
        i += 1
    return "\n".join(out) + "\n"


def best_time(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flowc", default="build/flowc/flowc")
    parser.add_argument("--luac", default="luac5.4")
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        flow_path = os.path.join(tmp, "generated.flow")
        lua_path = os.path.join(tmp, "generated.lua")
        with open(flow_path, "w") as f:
            f.write(generate(args.lines, FLOW_TEMPLATE, FLOW_WORKFLOW_HEAD, FLOW_BODY, "}"))
        with open(lua_path, "w") as f:
            f.write(generate(args.lines, LUA_TEMPLATE, LUA_WORKFLOW_HEAD, LUA_BODY, "end"))
        flow_lines = sum(1 for _ in open(flow_path))
        lua_lines = sum(1 for _ in open(lua_path))
        subprocess.run([args.flowc, "check", flow_path], check=True)  # must compile cleanly
        flow_best, flow_median = best_time([args.flowc, "build", flow_path, "-o", os.path.join(tmp, "g.flowb")], args.runs)
        lua_best, lua_median = best_time([args.luac, "-p", lua_path], args.runs)

    flow_rate = flow_lines / flow_best
    lua_rate = lua_lines / lua_best
    print(f"flowc build : {flow_lines} lines, best {flow_best * 1000:.1f} ms, median {flow_median * 1000:.1f} ms, "
          f"{flow_rate:,.0f} lines/s")
    print(f"luac5.4 -p  : {lua_lines} lines, best {lua_best * 1000:.1f} ms, median {lua_median * 1000:.1f} ms, "
          f"{lua_rate:,.0f} lines/s")
    print(f"ratio flowc/luac (lines per second, best of {args.runs}): {flow_rate / lua_rate:.2f}")


if __name__ == "__main__":
    main()
