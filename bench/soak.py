#!/usr/bin/env python3
"""Mixed load for bench/soak.sh: searches, case views, notes, stage changes, the review queue and exports, from
several workers at once. Prints one JSON line: requests by action and status, and any 5xx."""
import html, json, random, re, sys, threading, time, urllib.error, urllib.parse, urllib.request
from collections import Counter

base, minutes, workers = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
cookies = dict(arg.split("=", 1) for arg in sys.argv[4:7])  # caseworker=..., reviewer=..., admin=...
case_ids = [line.strip() for line in open(sys.argv[7]) if line.strip()]
names = ["Mohammad Karimi", "Muhammad Kareemi", "Ahmad Ahmadzai", "Abdul Rahim", "Gul Agha", "Sayed Hashimi", "Najib Safi", "Farid Popal"]
token_re = re.compile(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"')
counts, lock, deadline = Counter(), threading.Lock(), time.time() + minutes * 60
failures = []

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

opener = urllib.request.build_opener(NoRedirect)

def request(action, who, path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(base + path, data=data, headers={"Cookie": cookies[who]})
    try:
        with opener.open(req, timeout=30) as response:
            status, body = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode("utf-8", "replace")
    except Exception as error:  # a refused or reset connection counts as a failure too
        status, body = 599, str(error)
    with lock:
        counts[f"{action} {status}"] += 1
        if status >= 500:
            failures.append(f"{action} {path} -> {status}")
    return status, body

def token(body):
    match = token_re.search(body)
    return html.unescape(match.group(1)) if match else ""

def hidden(body, name):
    match = re.search(r'name="' + re.escape(name) + r'"(?: type="hidden")? value="([^"]*)"', body)
    return html.unescape(match.group(1)) if match else ""

def work():
    _, page = request("applicants", "caseworker", "/Applicants")
    search_token = token(page)
    while time.time() < deadline:
        roll, case = random.random(), random.choice(case_ids)
        if roll < 0.25:
            request("search", "caseworker", "/Applicants?handler=Search", {"Search.Query": random.choice(names), "__RequestVerificationToken": search_token})
        elif roll < 0.55:
            request("case", "caseworker", f"/Cases/Details?id={case}")
        elif roll < 0.70:
            request("queue", "reviewer", "/Review")
        elif roll < 0.82:
            status, page = request("case", "caseworker", f"/Cases/Details?id={case}")
            if status == 200:
                request("note", "caseworker", f"/Cases/Details?id={case}&handler=Note", {"Note.Body": "Soak test note.", "__RequestVerificationToken": token(page)})
        elif roll < 0.95:
            status, page = request("stage-form", "caseworker", f"/Cases/ChangeStage?id={case}")
            stages = re.findall(r'<option value="([A-Z0-9_]+)"', page)
            if status == 200 and stages:
                request("stage-change", "caseworker", f"/Cases/ChangeStage?id={case}", {
                    "Input.To": random.choice(stages), "Input.EffectiveOn": time.strftime("%Y-%m-%d", time.gmtime()),
                    "Input.IdempotencyKey": hidden(page, "Input.IdempotencyKey"), "Input.Version": hidden(page, "Input.Version"),
                    "Input.Reason": "Soak test", "__RequestVerificationToken": token(page)})
        else:
            request("export", "admin", "/Reports/Export?Query.Name=backlog&Format=Csv")

threads = [threading.Thread(target=work) for _ in range(workers)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"requests": sum(counts.values()), "by_action_and_status": dict(sorted(counts.items())), "failures": failures[:20], "five_xx": len(failures)}))
