#!/usr/bin/env python3
"""Alerts (JSON lines on stdin) as comparable lines: rule, output without its
time prefix, and vigil.sequence / vigil.threshold. What depends on the host
(process ancestry, exec ids, container) is left out, and so are the steps'
wall-clock times: each vigil process maps the kernel's boot clock to the wall
clock when it starts, so a recorder's times differ from a live run's by
microseconds (the windows run on the boot clock, which both share)."""
import json
import sys

for line in sys.stdin:
    try:
        a = json.loads(line)
    except ValueError:
        continue
    v = a.get("vigil", {})
    extra = {k: v[k] for k in ("sequence", "threshold") if k in v}
    for st in extra.get("sequence", {}).get("steps", []):
        st["time"] = bool(st.get("time"))
    out = a["output"].split(" ", 1)[1]  # after "HH:MM:SS.ns:"
    print(json.dumps([a["rule"], out, extra], sort_keys=True))
