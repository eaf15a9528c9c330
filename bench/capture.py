#!/usr/bin/env python3
"""
Turns the statements PostgreSQL logged (log_statement=all) between two offsets of its server log into
  NAME.json  the statements with their parameters, replayed by the raw Npgsql baseline (bench/Baseline), and
  NAME.sql   the same statements with the parameters written in as literals, for pgbench and psql.
usage: capture.py LOG FROM_OFFSET OUT_DIR NAME
"""
import json, re, sys

log, start, out_dir, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(log, "rb") as f:
    f.seek(start)
    text = f.read().decode("utf-8", "replace")

# A log entry starts with the default prefix "%m [%p] ": "2026-11-27 00:50:01.123 UTC [1234] ".
entries = re.split(r"^(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] )", text, flags=re.M)
statements = []
for entry in entries:
    body = re.sub(r"^\S+ \S+ \S+ \[\d+\] ", "", entry, count=1)
    m = re.match(r"LOG:\s+(?:execute [^:]*|statement): (.*)", body, flags=re.S)
    if m:
        sql = m.group(1).rstrip()
        # Transaction control is the replayer's own (psql -1, pgbench per script); the rest is the work itself.
        # Npgsql's type loading on a new connection is bootstrap, not work.
        if re.match(r"(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|DISCARD|SET SESSION|SELECT 1$|SELECT version\(\))", sql, flags=re.I):
            continue
        sql = re.sub(r"--[^\n]*", "", sql)
        statements.append({"sql": sql, "params": []})
        continue
    m = re.match(r"DETAIL:\s+parameters: (.*)", body, flags=re.S)
    if m and statements:
        params = re.findall(r"\$(\d+) = (NULL|'(?:[^']|'')*')", m.group(1).strip())
        statements[-1]["params"] = [None if v == "NULL" else v[1:-1].replace("''", "'") for _, v in params]

def kind(value):
    """The log shows values, not types. Dates and timestamps need their type back (in arithmetic an untyped literal
    would be taken for a number) and so do whole numbers (date + untyped is ambiguous); everything else stays untyped, so PostgreSQL infers it from the statement as it
    does for the app's own parameters."""
    if value is None:
        return None
    if re.fullmatch(r"-?\d{1,18}", value):
        return "integer" if abs(int(value)) < 2**31 else "bigint"
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return "date"
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?[+-]\d\d(:\d\d)?", value):
        return "timestamptz"
    return None

def literal(value):
    if value is None:
        return "NULL"
    quoted = "'" + value.replace("'", "''") + "'"
    return quoted + "::" + kind(value) if kind(value) else quoted

def inline(statement):
    params = statement["params"]
    # Highest numbers first, so $1 does not eat the start of $12.
    sql = statement["sql"]
    for i in range(len(params), 0, -1):
        fresh = statement.get("types") and statement["types"][i - 1] == "fresh-uuid"
        sql = sql.replace(f"${i}", "gen_random_uuid()" if fresh else literal(params[i - 1]))
    return sql

def fresh_key(statement):
    """The position of the key of a row the page inserts (its audit row): the app makes a new one every time, so the
    replay must too, or every replay after the first fails on the primary key and measures nothing."""
    m = re.match(r'\s*INSERT INTO\s+"?(\w+)"?\s*\(([^)]*)\)', statement["sql"], flags=re.I)
    if not m:
        return None
    columns = [c.strip().strip('"') for c in m.group(2).split(",")]
    return columns.index("id") if "id" in columns else None

for s in statements:
    s["types"] = [kind(v) for v in s["params"]]
    key = fresh_key(s)
    if key is not None and key < len(s["types"]):
        s["types"][key] = "fresh-uuid"
with open(f"{out_dir}/{name}.json", "w") as f:
    json.dump(statements, f, indent=1)
with open(f"{out_dir}/{name}.sql", "w") as f:
    for s in statements:
        f.write(" ".join(inline(s).split()) + ";\n")
print(f"{name}: {len(statements)} statements")
