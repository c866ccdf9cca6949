#!/usr/bin/env python3
"""The stall test (issue #20 item 2): while two 10,000-page ballot sets are drawn (two accounts,
each a job) and a 300,000-row roster file is previewed (a third account), /healthz, the sign-in
page and a sign-in (bcrypt) are timed every 25 ms; the same sampling with nothing heavy
running is the peer. /healthz and the sign-in page must stay under 50 ms p99 under load; a
second heavy request from a busy account is answered 429 heavy.busy at once; both jobs end
with their PDFs (pdfinfo counts the pages) and the preview reads every row.
Usage: stall_test.py XUANJU_BINARY"""
import datetime, http.client, json, os, random, shutil, sqlite3, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from api import API, wait_until_up

binary = sys.argv[1]
work = tempfile.mkdtemp()
db = os.path.join(work, "stall.sqlite")
port = 18000 + random.randrange(1000)
base = f"http://127.0.0.1:{port}"
env = dict(os.environ, XUANJU_ADMIN_PASSWORD="stall-admin-password-1")
subprocess.run([binary, "demo", "--db", db], env=env, check=True, capture_output=True)
server = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def check_id(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(a) * b for a, b in zip(first17, w)) % 11]


def roster_csv(rows, organizations):
    """A UTF-8 roster of `rows` new members (valid, unique ID numbers) in existing branches."""
    lines = ["姓名,性别,民族,公民身份号码,出生日期,入党日期,党员状态,所在党组织"]
    start = datetime.date(1960, 1, 1)
    for i in range(rows):
        born = start + datetime.timedelta(days=i % 12000)
        seq = (i // 12000) % 1000   # with the birthday, unique within the file
        number = check_id(f"110101{born:%Y%m%d}{seq:03d}")
        male = seq % 2 == 1          # the 17th digit's parity is the gender
        lines.append(f"测试{i % 997}号,{'男' if male else '女'},汉族,{number},{born.isoformat()},{(born + datetime.timedelta(days=9000)).isoformat()},"
                     f"正式党员,{organizations[i % len(organizations)]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000


class Sampler(threading.Thread):
    """Times one request kind every 25 ms until stopped."""
    def __init__(self, name, request):
        super().__init__(daemon=True)
        self.name, self.request, self.times, self.failures, self.running = name, request, [], [], True

    def run(self):
        while self.running:
            started = time.perf_counter()
            try:
                status = self.request()
                if status not in (200, 204):
                    self.failures.append(status)
            except Exception as e:
                self.failures.append(repr(e))
            self.times.append(time.perf_counter() - started)
            time.sleep(max(0.0, 0.025 - (time.perf_counter() - started)))


def plain(path):
    def request():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path)
        status = connection.getresponse().status
        connection.close()
        return status
    return request


def sign_in_request(username, password):
    def request():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/api/v1/session", body=json.dumps({"username": username, "password": password}),
                           headers={"Content-Type": "application/json"})
        status = connection.getresponse().status
        connection.close()
        return status
    return request


def sample(seconds_or_until):
    samplers = [Sampler("/healthz", plain("/healthz")), Sampler("GET /login", plain("/login")),
                Sampler("sign-in (bcrypt)", sign_in_request("stall4", "stall4-password-long"))]
    for s in samplers:
        s.start()
    if callable(seconds_or_until):
        seconds_or_until()
    else:
        time.sleep(seconds_or_until)
    for s in samplers:
        s.running = False
    for s in samplers:
        s.join()
    return samplers


try:
    wait_until_up(base)
    admin = API(base).sign_in("admin", env["XUANJU_ADMIN_PASSWORD"])
    accounts = {}
    for name in ["stall2", "stall3", "stall4"]:
        status, made = admin.call("POST", "/api/v1/users", {"username": name, "displayName": name, "role": "组织部管理员"})
        assert status == 201, (status, made)
        accounts[name] = API(base).sign_in(name, made["oneTimePassword"], new_password=f"{name}-password-long")
    status, rounds = admin.call("GET", "/api/v1/rounds")
    frozen = next(r for r in rounds if r["state"] not in ("草稿",))
    organizations = [row[0] for row in sqlite3.connect(db).execute("select name from organizations where kind = '支部' and closed = 0 limit 200")]
    csv = roster_csv(300_000, organizations)

    idle = sample(6.0)

    heavy_done = {}

    def heavy_load():
        jobs = []
        for api in (admin, accounts["stall2"]):
            status, job = api.call("GET", f"/api/v1/rounds/{frozen['id']}/ballots.pdf?count=10000")
            assert status == 202 and job["state"] == "running", (status, job)
            jobs.append((api, job["id"]))
        # A second heavy request from a busy account: refused at once, not queued into a timeout.
        started = time.perf_counter()
        status, busy = admin.call("GET", f"/api/v1/rounds/{frozen['id']}/ballots.pdf?count=10000")
        heavy_done["busy"] = (status, busy.get("code") if isinstance(busy, dict) else busy, time.perf_counter() - started)

        def preview():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            api = accounts["stall3"]
            connection.request("POST", "/api/v1/members/import?dryRun=true&fileName=stall.csv", body=csv,
                               headers={"Cookie": api.cookie, "X-CSRF-Token": api.csrf, "Content-Type": "text/csv"})
            answer = connection.getresponse()
            heavy_done["preview"] = (answer.status, json.loads(answer.read()))
        previewer = threading.Thread(target=preview)
        previewer.start()
        for api, job in jobs:
            while True:
                status, state = api.call("GET", f"/api/v1/jobs/{job}")
                assert status == 200, (status, state)
                if state["state"] != "running":
                    break
                time.sleep(0.5)
            assert state["state"] == "done", state
            status, pdf = api.call("GET", f"/api/v1/jobs/{job}/file", raw=True)
            assert status == 200 and pdf.startswith(b"%PDF-"), (status, pdf[:40])
            path = os.path.join(work, f"{job}.pdf")
            with open(path, "wb") as f:
                f.write(pdf)
            info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
            heavy_done.setdefault("pages", []).append(int(next(l for l in info.splitlines() if l.startswith("Pages:")).split()[1]))
        previewer.join()

    began = time.perf_counter()
    loaded = sample(heavy_load)
    took = time.perf_counter() - began

    print(f"stall: two 10,000-page ballot sets and a 300,000-row preview ran {took:.1f} s; pages {heavy_done['pages']}")
    busy = heavy_done["busy"]
    print(f"stall: a second heavy request of a busy account: {busy[0]} {busy[1]} in {busy[2] * 1000:.1f} ms")
    status, result = heavy_done["preview"]
    print(f"stall: preview {status}, {result.get('dataRows')} rows, {len(result.get('problems', []))} problems")
    failed = []
    for quiet, busy_sampler in zip(idle, loaded):
        line = (f"stall: {quiet.name}: idle p50 {percentile(quiet.times, 50):.1f} / p99 {percentile(quiet.times, 99):.1f} ms ({len(quiet.times)}); "
                f"under load p50 {percentile(busy_sampler.times, 50):.1f} / p99 {percentile(busy_sampler.times, 99):.1f} ms ({len(busy_sampler.times)})")
        print(line)
        if quiet.failures or busy_sampler.failures:
            failed.append(f"{quiet.name} failures: {quiet.failures[:3]} {busy_sampler.failures[:3]}")
    assert heavy_done["pages"] == [10000, 10000], heavy_done["pages"]
    assert busy[0] == 429 and busy[1] == "heavy.busy", busy
    assert result.get("dataRows") == 300_000, {k: result.get(k) for k in ("dataRows", "members")}
    for sampler in loaded[:2]:
        if percentile(sampler.times, 99) >= 50:
            failed.append(f"{sampler.name} p99 {percentile(sampler.times, 99):.1f} ms ≥ 50 ms under load")
    assert not failed, failed
    print("stall test: 1 passed, 0 failed")
finally:
    server.terminate()
    server.wait()
    shutil.rmtree(work, ignore_errors=True)
