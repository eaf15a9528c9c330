#!/usr/bin/env bash
# Scans a local SivTracker with sqlmap (SQL injection, signed in) and wapiti (web vulnerabilities).
# Needs the database from scripts/run.sh (run it once first). Starts its own app instance on SCAN_PORT (5099)
# with the rate limits raised, so the scanners' thousands of requests are not answered 429.
#   scripts/security-scan.sh            results in .data/scan/ (sqlmap logs, wapiti JSON report)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${SCAN_PORT:-5099}
base="http://localhost:$port"
out="$root/.data/scan"
mkdir -p "$out"
for tool in sqlmap wapiti curl; do
  command -v "$tool" >/dev/null || { echo "$tool not found: sudo apt-get install sqlmap wapiti curl" >&2; exit 1; }
done
[ -f .data/connection-string ] && [ -f .data/demo-password ] || { echo "Run scripts/run.sh once first (it makes the database and demo users)." >&2; exit 1; }

dotnet build src/SivTracker.Web -c Release -v quiet -nologo -clp:ErrorsOnly
# The scanners sign in by password; the second-factor requirement for admins is tested on its own in scripts/test.sh.
ASPNETCORE_ENVIRONMENT=Development App__PublicUrl="$base" FieldEncryption__KeyFile="$root/.data/field-keys.json" Sweep__Enabled=false Security__RequireTwoFactorForRoles=" " \
  RateLimits__SignInsPerMinute=100000 RateLimits__SearchesPerMinute=100000 RateLimits__ExportsPerMinute=100000 \
  dotnet src/SivTracker.Web/bin/Release/net10.0/SivTracker.Web.dll --urls "$base" --contentRoot "$root/src/SivTracker.Web" > "$out/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "$base/health/live" >/dev/null && break; sleep 1; done

password=$(cat .data/demo-password)
token() { curl -s -b "$1" -c "$1" "$base$2" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
# Signs in as $1 and prints the cookie header sqlmap sends.
sign_in() {
  local jar="$out/$1.cookies"
  rm -f "$jar"
  local t; t=$(token "$jar" /Account/Login)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "Input.Email=$1" --data-urlencode "Input.Password=$password" \
    --data-urlencode "__RequestVerificationToken=$t" "$base/Account/Login"
  awk '!/^#/ || /^#HttpOnly_/ { sub(/^#HttpOnly_/, ""); if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$jar"
}
caseworker=$(sign_in caseworker@ngo-a.demo)
admin=$(sign_in admin@ngo-a.demo)
cw_token=$(token "$out/caseworker@ngo-a.demo.cookies" /Applicants/Create)
admin_token=$(token "$out/admin@ngo-a.demo.cookies" /Admin/Audit)
case_id=$(curl -s -b "$out/caseworker@ngo-a.demo.cookies" "$base/Cases" | grep -o '/Cases/Details?id=[0-9a-f-]*' | head -n 1 | cut -d= -f2)

sql() {
  local name=$1; shift
  echo "sqlmap: $name"
  sqlmap --batch --dbms=PostgreSQL --level=3 --risk=2 --flush-session --disable-coloring --output-dir="$out/sqlmap" "$@" > "$out/sqlmap-$name.log" 2>&1 || true
  if grep -q "is vulnerable\|sqlmap identified the following injection point" "$out/sqlmap-$name.log"; then
    echo "  INJECTION FOUND: see $out/sqlmap-$name.log"; found=1
  else
    echo "  $(grep -c "does not seem to be injectable" "$out/sqlmap-$name.log") parameters tested, none injectable"
  fi
}
found=0
sql search -u "$base/Applicants?handler=Search" --cookie="$caseworker" \
  --data="Search.Query=karimi&__RequestVerificationToken=$cw_token" -p "Search.Query"
sql register -u "$base/Applicants/Create" --cookie="$caseworker" \
  --data="Input.GivenNames=Test&Input.FamilyName=Scan&Input.TazkiraNumber=123&Input.DateOfBirth=1990&Input.SafetyStatus=Unknown&Input.DateOfBirthPrecision=Exact&__RequestVerificationToken=$cw_token" \
  -p "Input.GivenNames,Input.FamilyName,Input.TazkiraNumber,Input.DateOfBirth"
sql cases -u "$base/Cases?Filters.Program=AF602B&Filters.Stage=COM_REVIEW&Filters.Sort=name" --cookie="$caseworker" -p "Filters.Program,Filters.Stage,Filters.Sort"
sql change-stage -u "$base/Cases/ChangeStage?id=$case_id" --cookie="$caseworker" \
  --data="Input.To=COM_REVIEW&Input.EffectiveOn=2026-01-01&Input.Note=x&__RequestVerificationToken=$cw_token" -p "id,Input.To,Input.EffectiveOn"
sql reports -u "$base/Reports?Query.Name=cases&Query.Program=AF602B&Query.From=2024-01-01" --cookie="$admin" -p "Query.Name,Query.Program,Query.From"
sql audit -u "$base/Admin/Audit?Filters.Record=abc&Filters.From=2026-01-01" --cookie="$admin" -p "Filters.Record,Filters.From"

echo "wapiti: whole app, signed in as admin"
# Debian's wapiti 3.0.4 writes the exclusion pattern (-x) as a regular expression with its flags at the end, which
# Python 3.11 refuses ("global flags not at the start"); this runs it with the same pattern, flags first.
wapiti() {
  /usr/bin/python3 - "$@" <<'PY'
import re, sys
import wapitiCore.net.crawler as crawler
crawler.wildcard_translate = lambda pattern: re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")
from wapitiCore.main.wapiti import wapiti_main
sys.argv = ["wapiti"] + sys.argv[1:]
sys.exit(wapiti_main())
PY
}
# Signing out ends the session on the server, so a scanner that submits the sign-out form would scan the rest anonymously.
wapiti -u "$base/" --scope folder --flush-session -m "sql,blindsql,xss,permanentxss,exec,file,crlf,redirect,csp,http_headers,cookieflags,csrf" \
  -x "$base/Account/Logout" --max-scan-time 600 --header "Cookie: $admin" -f json -o "$out/wapiti.json" > "$out/wapiti.log" 2>&1 || true
python3 - "$out/wapiti.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for kind in ("vulnerabilities", "anomalies"):
    for category, items in sorted(report.get(kind, {}).items()):
        if items:
            print(f"  {kind[:-1]}: {category}: {len(items)}")
            for item in items[:5]:
                print(f"    {item.get('method')} {item.get('path')} {item.get('parameter') or ''}: {item.get('info', '')[:120]}")
PY
grep -o 'found [0-9]* URLs and forms' "$out/wapiti.log" | sed 's/^/  wapiti /' || true
[ "$found" -eq 0 ]
