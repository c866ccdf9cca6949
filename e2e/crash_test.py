#!/usr/bin/env python3
"""Crash test of ballot entry (issue #13): two counters key the demo's supplementary round
through the API while the server is killed with SIGKILL and started again, several times.
A request that got no answer is sent again, as a real client would. Afterwards:
- every acknowledged ballot is in the database exactly once (one current keying), with the
  marks that were sent; no retried request made a second row;
- `xuanju audit verify` passes (the chain survived every kill);
- the count the server reports equals a recount, here, of the acknowledged ballots.
Usage: crash_test.py XUANJU_BINARY SQLITE_DB DEMO_LOG [KILLS]"""
import http.client, json, os, random, re, signal, sqlite3, subprocess, sys, threading, time
from api import API, check_recount, wait_until_up

xuanju, db, demo_log = sys.argv[1:4]
kills = int(sys.argv[4]) if len(sys.argv) > 4 else 6
passwords = dict(re.findall(r"账号 (\w+) 的初始密码：(\S+)", open(demo_log, encoding="utf-8").read()))
admin_password = os.environ["XUANJU_ADMIN_PASSWORD"]
rng = random.Random(13)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


port = free_port()
base = f"http://127.0.0.1:{port}"
log = open(db + ".server.log", "ab")


def start():
    server = subprocess.Popen([xuanju, "serve", "--db", db, "--port", str(port)], stdout=log, stderr=log)
    wait_until_up(base)
    return server


server = start()
admin = API(base).sign_in("admin", admin_password)
status, rounds = admin.call("GET", "/api/v1/rounds")
rid = next(r["id"] for r in rounds if r["kind"] == "supplementary")
status, detail = admin.call("GET", f"/api/v1/rounds/{rid}")
assert detail["state"] == "计票", detail
ids, seats = [c["id"] for c in detail["candidates"]], detail["seats"]
batches = [(int(b["id"]), b["ballots"]) for b in detail["batches"]]


def random_ballot():
    roll = rng.random()
    if roll < 0.05:
        return {"invalid": "无法辨认"}
    marks = {}
    for c in ids:
        r = rng.random()
        if r < 0.6:
            marks[c] = "for"
        elif r < 0.8:
            marks[c] = "against"
    return {"marks": marks}


ballots = {(b, n): random_ballot() for b, size in batches for n in range(1, size + 1)}
acknowledged, retries, lock = {}, [0], threading.Lock()


def send(api, method, path, body=None):
    """Until an answer comes: a refused connection or a cut one means the server is down."""
    while True:
        try:
            status, answer = api.call(method, path, body)
            if status == 401:   # a session written just before a kill may be gone
                api.sign_in(api.username, api.password)
                continue
            return status, answer
        except (OSError, http.client.HTTPException):
            with lock:
                retries[0] += 1
            time.sleep(0.05)


def counter(username, password, entry):
    api = API(base, timeout=10)
    while True:
        try:
            api.sign_in(username, password)
            break
        except Exception:
            time.sleep(0.1)
    api.username, api.password = username, password
    for (b, n), body in ballots.items():
        status, answer = send(api, "PUT", f"/api/v1/rounds/{rid}/batches/{b}/entries/{entry}/ballots/{n}", body)
        assert status == 200, (status, answer)
        with lock:
            acknowledged[(b, n, entry)] = body
    for b, _ in batches:
        status, answer = send(api, "POST", f"/api/v1/rounds/{rid}/batches/{b}/entries/{entry}/finalise")
        assert status == 200 and answer == {"batch": b, "entry": entry, "finalised": True}, (status, answer)


# counter1 and counter2 changed their one-time passwords in the browser test, or not at all here.
def sign_in_counter(name):
    for password in [passwords[name], passwords[name] + "-mine"]:
        try:
            api = API(base).sign_in(name, password)
            return api, password
        except AssertionError:
            continue
    raise AssertionError(f"{name} 不能登录")


credentials = {}
for name in ["counter1", "counter2"]:
    api, password = sign_in_counter(name)
    if password == passwords[name]:
        api.call("PUT", "/api/v1/account/password", {"current": password, "new": password + "-crash"})
        password += "-crash"
    credentials[name] = password

failures = []


def guarded(*args):
    try:
        counter(*args)
    except BaseException as e:
        failures.append(repr(e))


threads = [threading.Thread(target=guarded, args=(name, credentials[name], entry)) for entry, name in [(1, "counter1"), (2, "counter2")]]
for t in threads:
    t.start()
done_kills = 0
while done_kills < kills and any(t.is_alive() for t in threads):
    time.sleep(rng.uniform(0.4, 1.2))
    before = len(acknowledged)
    server.send_signal(signal.SIGKILL)
    server.wait()
    done_kills += 1
    print(f"第 {done_kills} 次 SIGKILL：已确认 {before} 张")
    server = start()
for t in threads:
    t.join()
assert not failures, failures
assert done_kills >= min(kills, 3), f"只杀了 {done_kills} 次：录入太快，测试没有意义"

# Every acknowledged ballot once, as sent; no duplicate rows from the retries.
rows = sqlite3.connect(db).execute("select batch, entry, number, content, superseded_at from keyed_ballots where lower(round_id) = lower(?)",
                                   (rid,)).fetchall()
current = {}
for batch, entry, number, content, superseded in rows:
    assert superseded is None, f"第 {batch} 批第 {entry} 次第 {number} 张有被替换的行：重试不应改动已录入的选票"
    assert (batch, number, entry) not in current, f"第 {batch} 批第 {entry} 次第 {number} 张有两行"
    current[(batch, number, entry)] = json.loads(content)
assert len(acknowledged) == 2 * len(ballots) and set(current) == set(acknowledged), (len(acknowledged), len(current))


def normal(body):
    return {"invalid": bool(body.get("invalid")), "marks": body.get("marks") or {}}


assert all(normal(current[k]) == normal(v) for k, v in acknowledged.items()), "数据库中的选票与确认时发送的不同"

# The audit chain verifies after the kills.
subprocess.run([xuanju, "audit", "verify", "--db", db], check=True, capture_output=True)

# The count equals a recount of the acknowledged ballots.
status, answer = send(admin, "POST", f"/api/v1/rounds/{rid}/steps", {"step": "finish"})
assert status == 200 and answer["state"] == "已计票", (status, answer)
status, report = send(admin, "GET", f"/api/v1/rounds/{rid}/report")
valid, invalid = check_recount(report, ballots.values(), ids, seats)
server.send_signal(signal.SIGTERM)
server.wait()
print(f"crash test: {done_kills} 次 SIGKILL，{len(acknowledged)} 张已确认的选票各在一次，重试 {retries[0]} 次无重复；审计链完好；"
      f"计票（有效 {valid}，无效 {invalid}）与重新点票一致")
print("e2e crash: 1 passed, 0 failed")
