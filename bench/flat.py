"""The "Flat in caseload" rows: from the result rows of bench/run.sh at a smaller and a larger scale, what the larger
scale serves over what the smaller does (throughput: goal >= 0.8), the daily sweep's time with the same cases due
(goal: larger within 1.3x) and the app's memory (goal: larger within 1.2x)."""
import re
import sys

from table import print_table

small_file, large_file, small, large = sys.argv[1:5]


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
for what, starts in [("queue, first page", "Page: queue ("), ("queue, deep page", "Page: queue-deep"),
                     ("case page", "Page: case"), ("name search", "Name search"),
                     ("applicants list", "List: applicants"), ("cases list", "List: cases")]:
    x, y = figure(a, starts, r"([0-9.]+) req/s"), figure(b, starts, r"([0-9.]+) req/s")
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
