"""The "Flat in caseload" rows: what the larger scale serves over what the smaller does (throughput: goal >= 0.8), from
the side-by-side runs bench/run.sh makes at the end of the larger scale's run (one line per page: name, requests/s at
the smaller scale, at the larger); the daily sweep's time with the same cases due (goal: larger within 1.3x) and the
app's memory (goal: larger within 1.2x), from each scale's own result rows."""
import re
import sys

from table import print_table

small_file, large_file, pairs_file, small, large = sys.argv[1:6]


def rows(path):
    return [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if line.strip()]


def figure(table, starts, pattern):
    for r in table:
        if r[0].startswith(starts):
            m = re.search(pattern, r[1])
            if m:
                return float(m.group(1))
    raise SystemExit(f"no row starting with {starts!r} holds {pattern!r}")


a, b = rows(small_file), rows(large_file)
out = [["Scenario", "Figure", "Baseline", "Ratio", "Target", "Met"]]
pairs = {r[0]: (float(r[1]), float(r[2])) for r in rows(pairs_file)}
for what, name in [("queue, first page", "queue"), ("queue, deep page", "queue-deep"), ("case page", "case"),
                   ("name search", "search"), ("applicants list", "applicants"), ("cases list", "cases")]:
    if name not in pairs:
        raise SystemExit(f"the side-by-side runs hold no {name!r}")
    x, y = pairs[name]
    ratio = y / x
    out.append([f"Flat in caseload: {what}", f"{y:.1f} req/s at {large}", f"{x:.1f} req/s at {small}", f"{ratio:.2f}",
                ">= 0.80", "yes" if ratio >= 0.8 else "NO"])
x, y = figure(a, "Daily deadline sweep", r"([0-9]+) ms"), figure(b, "Daily deadline sweep", r"([0-9]+) ms")
out.append(["Flat in caseload: daily sweep, the same cases due at both scales", f"{y:.0f} ms at {large}", f"{x:.0f} ms at {small}",
            f"{y / x:.2f}x", "<= 1.3x", "yes" if y <= 1.3 * x else "NO"])
x, y = figure(a, "App resident memory", r"([0-9]+) MB"), figure(b, "App resident memory", r"([0-9]+) MB")
out.append(["Flat in caseload: app resident memory after the load runs", f"{y:.0f} MB at {large}", f"{x:.0f} MB at {small}",
            f"{y / x:.2f}x", "<= 1.2x", "yes" if y <= 1.2 * x else "NO"])
print_table(out)
