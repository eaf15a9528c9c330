"""Prints tab-separated rows (the first the header) as the Markdown table docs/performance.md keeps."""
import sys


def print_table(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, r in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


if __name__ == "__main__":
    print_table([line.rstrip("\n").split("\t") for line in sys.stdin])
