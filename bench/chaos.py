#!/usr/bin/env python3
"""Mixed traffic through nginx while faults are injected into deploy/cluster.sh's cluster; then the checks.

Called by bench/chaos.sh. Workers sign in once as the demo caseworker or reviewer and keep that session for the whole
run: searches, case views, notes, stage changes, registrations and exports (reviewers). A fault thread kills an app
instance (kill -9) and starts it again, restarts both instances one after the other (a rolling restart, each drained
by SIGTERM), stops and starts the reports replica, and terminates the primary's connections. Every request is logged
with its time; errors outside a fault window (the fault itself and a short grace after it) are what the run counts.
"""
import argparse, collections, html, http.cookiejar, json, os, random, re, ssl, subprocess, sys, threading, time, urllib.error, urllib.parse, urllib.request

TOKEN = re.compile(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"')
OPTION = re.compile(r'<option value="([A-Z0-9_]+)"')


def hidden(body, name):
    match = re.search(r'name="' + re.escape(name) + r'"(?: type="hidden")? value="([^"]*)"', body or "")
    return html.unescape(match.group(1)) if match else None

args = None
log = []            # (start, end, kind, status) for every request
log_lock = threading.Lock()
acknowledged = collections.defaultdict(list)   # kind -> ids (registrations) or case ids (notes, stage changes)
sessions_bounced = set()
windows = []        # (start, end, name) of each fault, grace included
stop = threading.Event()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def insecure():
    """The cluster's certificate is self-signed."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Session:
    def __init__(self, name, email):
        self.name, self.email = name, email
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), urllib.request.HTTPSHandler(context=insecure()), NoRedirect)

    def request(self, kind, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        started = time.time()
        status, body, location = 0, "", ""
        try:
            with self.opener.open(urllib.request.Request(args.url + path, data=data), timeout=30) as response:
                status, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, location = error.code, error.headers.get("Location", "")
            error.read()
        except Exception:
            status = 0  # connection refused, reset or timed out
        with log_lock:
            log.append((started, time.time(), kind, status))
        if status == 302 and "/Account/Login" in location and kind != "sign-in":
            sessions_bounced.add(self.name)
        return status, body, location

    def token(self, path):
        status, body, _ = self.request("page", path)
        found = TOKEN.search(body) if status == 200 else None
        return body, (html.unescape(found.group(1)) if found else None)

    def sign_in(self):
        for _ in range(20):
            _, token = self.token("/Account/Login")
            if token:
                status, _, location = self.request("sign-in", "/Account/Login", {
                    "Input.Email": self.email, "Input.Password": args.password, "__RequestVerificationToken": token})
                if status == 302 and "/Account/Login" not in location:
                    return True
            time.sleep(0.5)
        return False


def caseworker(session, cases, worker):
    n = 0
    while not stop.is_set():
        n += 1
        case_id = random.choice(cases)
        roll = random.random()
        if roll < 0.35:
            session.request("case", f"/Cases/Details?id={case_id}")
        elif roll < 0.55:
            _, token = session.token("/Applicants")
            if token:
                session.request("search", "/Applicants?handler=Search", {"Search.Query": random.choice(["Ahmad", "Karimi", "Mohammad", "Noori", "Rahimi"]), "__RequestVerificationToken": token})
        elif roll < 0.75:
            _, token = session.token(f"/Cases/Details?id={case_id}")
            if token:
                status, _, _ = session.request("note", f"/Cases/Details?id={case_id}&handler=Note", {"Note.Body": f"chaos note {worker}-{n}", "__RequestVerificationToken": token})
                if status == 302:
                    with log_lock:
                        acknowledged["note"].append(case_id)
        elif roll < 0.87:
            body, token = session.token(f"/Cases/ChangeStage?id={case_id}")
            options = OPTION.findall(body or "")
            if token and options:
                status, _, _ = session.request("stage", f"/Cases/ChangeStage?id={case_id}", {
                    "Input.To": random.choice(options), "Input.EffectiveOn": time.strftime("%Y-%m-%d", time.gmtime()),
                    "Input.Version": hidden(body, "Input.Version") or "", "Input.IdempotencyKey": hidden(body, "Input.IdempotencyKey") or "",
                    "Input.Reason": "chaos run", "__RequestVerificationToken": token})
                if status == 302:
                    with log_lock:
                        acknowledged["stage"].append(case_id)
        else:
            _, token = session.token("/Applicants/Create")
            if token:
                status, _, location = session.request("register", "/Applicants/Create", {
                    "Input.GivenNames": f"Chaos{worker}x{n}", "Input.FamilyName": "Run", "Input.SafetyStatus": "Unknown", "__RequestVerificationToken": token})
                found = re.search(r"id=([0-9a-f-]{36})", location or "")
                if status == 302 and found:
                    with log_lock:
                        acknowledged["register"].append(found.group(1))


def reviewer(session):
    # A report's preview reads the reports replica, as its export does (downloads are for admins, who need a second factor).
    while not stop.is_set():
        if random.random() < 0.4:
            session.request("report", "/Reports?Query.Name=backlog")
        else:
            session.request("queue", "/Review")
        stop.wait(0.2)


def api(token, cases):
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=insecure()))
    while not stop.is_set():
        path = random.choice(["/api/v1/review-queue", f"/api/v1/cases/{random.choice(cases)}", "/api/v1/cases?overdue=true&limit=50"])
        started, status = time.time(), 0
        try:
            with opener.open(urllib.request.Request(args.url + path, headers={"Authorization": f"Bearer {token}"}), timeout=30) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
        except Exception:
            status = 0
        with log_lock:
            log.append((started, time.time(), "api", status))
        stop.wait(0.1)


def sign_ins():
    while not stop.is_set():
        Session("fresh", args.caseworker).sign_in()
        # Sign-ins are limited to 20 a minute per address; stay under it.
        stop.wait(4)


def cluster(*command):
    subprocess.run([args.cluster, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fault(name, action, recovery=None, grace=5):
    start = time.time()
    action()
    if recovery:
        recovery()
    windows.append((start - 1, time.time() + grace, name))
    print(f"  fault: {name} ({time.time() - start:.1f} s)", file=sys.stderr)


def faults():
    d = args.duration
    plan = [
        (0.12, "app 1 killed (kill -9) and restarted", lambda: cluster("stop-app", "1", "KILL"), lambda: cluster("start-app", "1")),
        (0.35, "rolling restart: app 2 then app 1 (SIGTERM, drained)",
         lambda: (cluster("stop-app", "2"), cluster("start-app", "2"), cluster("stop-app", "1"), cluster("start-app", "1")), None),
        (0.60, "replica stopped", lambda: cluster("stop-replica"), None),
        (0.72, "replica started", lambda: cluster("start-replica"), None),
        (0.85, "primary's connections terminated", lambda: psql("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = 'sivtracker' and pid <> pg_backend_pid()"), None),
    ]
    begun, ready = time.time(), time.time()
    for at, name, action, recovery in plan:
        # Never sooner than 15 s after the last fault's window closed, so each error belongs to one fault.
        if stop.wait(max(0, begun + at * d - time.time(), ready - time.time())):
            return
        fault(name, action, recovery)
        ready = windows[-1][1] + 15


def psql(sql, port=None):
    env = dict(os.environ, PGPASSWORD=open(os.path.join(args.dir, "pg-password")).read().strip())
    out = subprocess.run([os.path.join(args.pgbin, "psql"), "-X", "-tA", "-h", "127.0.0.1", "-p", str(port or args.pg_port), "-U", "postgres", "-d", "sivtracker", "-c", sql],
                         check=True, capture_output=True, text=True, env=env).stdout
    return out.strip()


def main():
    global args
    parser = argparse.ArgumentParser()
    for name, default in [("--url", "https://localhost:18443"), ("--duration", "120"), ("--workers", "6"), ("--dir", ""), ("--cluster", ""), ("--pgbin", ""),
                          ("--pg-port", "55601"), ("--caseworker", "caseworker@ngo-a.demo"), ("--reviewer", "reviewer@ngo-a.demo"), ("--password", ""),
                          ("--api-token", ""), ("--mail-log", "")]:
        parser.add_argument(name, default=default)
    args = parser.parse_args()
    args.duration = float(args.duration)
    started_at = psql("select now()::text")
    cases = psql("select string_agg(id::text, ',') from (select c.id from cases c join users u on u.organisation_id = c.organisation_id "
                 "where u.normalized_email = upper('%s') order by c.id limit 300) x" % args.caseworker).split(",")

    workers = []
    for i in range(int(args.workers)):
        session = Session(f"caseworker-{i}", args.caseworker)
        if not session.sign_in():
            sys.exit("could not sign in as " + args.caseworker)
        workers.append(threading.Thread(target=caseworker, args=(session, cases, i), daemon=True))
    review = Session("reviewer", args.reviewer)
    if not review.sign_in():
        sys.exit("could not sign in as " + args.reviewer)
    workers.append(threading.Thread(target=reviewer, args=(review,), daemon=True))
    workers.append(threading.Thread(target=sign_ins, daemon=True))
    if args.api_token:
        workers.append(threading.Thread(target=api, args=(args.api_token, cases), daemon=True))
    # Every user's digest falls due again, so the run sees each one sent, once, whichever instance ticks first.
    psql("update users set last_digest_on = null")
    mail_offset = os.path.getsize(args.mail_log) if args.mail_log and os.path.exists(args.mail_log) else 0
    fault_thread = threading.Thread(target=faults, daemon=True)
    began = time.time()
    for t in workers:
        t.start()
    fault_thread.start()
    time.sleep(args.duration)
    stop.set()
    for t in workers:
        t.join(35)
    fault_thread.join(120)
    ended = time.time()

    def in_window(start, end):
        return any(start <= w_end and end >= w_start for w_start, w_end, _ in windows)

    statuses = collections.Counter(status for _, _, _, status in log)
    errors = [(s, e, k, status) for s, e, k, status in log if status == 0 or status >= 500]
    outside = [x for x in errors if not in_window(x[0], x[1])]
    replica_down = next((w for w in windows if w[2] == "replica stopped"), None), next((w for w in windows if w[2] == "replica started"), None)
    exports_while_down = [status for s, e, k, status in log if k == "report" and replica_down[0] and replica_down[1] and replica_down[0][0] + 1 <= s <= replica_down[1][0]]

    ids = acknowledged["register"]
    found = int(psql("select count(*) from persons where id = any('{%s}'::uuid[])" % ",".join(ids))) if ids else 0
    lost = len(ids) - found
    for kind, table in (("note", "case_notes"), ("stage", "stage_events")):
        wanted = collections.Counter(acknowledged[kind])
        if not wanted:
            continue
        column = "created_at" if table == "case_notes" else "recorded_at"
        rows = psql(f"select case_id, count(*) from {table} where {column} >= '{started_at}' and case_id = any('{{{','.join(wanted)}}}'::uuid[]) group by case_id")
        have = {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines() if line}
        lost += sum(max(0, n - have.get(case, 0)) for case, n in wanted.items())

    digests = collections.Counter()
    if args.mail_log and os.path.exists(args.mail_log):
        with open(args.mail_log) as mail:
            mail.seek(mail_offset)
            for line in mail:
                sent = json.loads(line)
                if sent["subject"] == "SivTracker daily digest":
                    digests[sent["to"]] += 1
    by_fault = collections.Counter(next((n for ws, we, n in windows if s <= we and e >= ws), "outside") for s, e, _, _ in errors)

    print(json.dumps({
        "duration_s": round(ended - began, 1),
        "requests": len(log),
        "by_status": {str(k): v for k, v in sorted(statuses.items())},
        "by_kind_and_status": dict(sorted(collections.Counter(f"{k} {status}" for _, _, k, status in log).items())),
        "fault_windows": [{"fault": n, "seconds": round(e - s, 1)} for s, e, n in windows],
        "errors_in_fault_windows": len(errors) - len(outside),
        "errors_by_fault": dict(by_fault),
        "errors_outside_fault_windows": len(outside),
        "errors_outside_by_kind": dict(collections.Counter(k for _, _, k, _ in outside)),
        "acknowledged_writes": {k: len(v) for k, v in acknowledged.items()},
        "lost_writes": lost,
        "sessions_kept": f"{int(args.workers) + 1 - len(sessions_bounced)} of {int(args.workers) + 1}",
        "digests": {"sent": sum(digests.values()), "users": len(digests), "most_to_one_user": max(digests.values(), default=0)},
        "reports_while_replica_down_by_status": dict(collections.Counter(exports_while_down)),
    }, indent=2))
    print(f"chaos: {len(log)} requests, {len(outside)} errors outside fault windows, {lost} lost writes")
    sys.exit(1 if outside or lost or max(digests.values(), default=0) > 1 else 0)


if __name__ == "__main__":
    main()
