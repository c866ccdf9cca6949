#!/usr/bin/env python3
"""Twenty counters keying at once (issue #13): on a demo database, a members' meeting of one
Party committee is set up through the API (about 500 members checked in, one round of 5 seats
and 6 candidates, the ballots returned and split into ten batches of 50); twenty counter
accounts key the ten batches, two entries each, all at the same time, every ballot one
`PUT …/ballots/{n}`. Reports the PUT's p50/p99 latency and throughput, then checks that nothing
was lost: every batch definitive with no differences, and the server's count equal to a
recount here of the ballots sent.
Usage: entry_load.py XUANJU_BINARY [--postgres URL] [--label NAME]
With --postgres the demo and the server use that PostgreSQL database (DATABASE_URL); without,
a temporary SQLite file."""
import argparse, os, random, statistics, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from api import API, check_recount, wait_until_up

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("--postgres")
parser.add_argument("--label", default="")
parser.add_argument("--members", type=int, default=20000)
parser.add_argument("--pace", type=float, default=0.0,
                    help="seconds from one ballot's start to the next for each counter (0: no pause at all, the worst case)")
parser.add_argument("--at-once", type=int, default=20, help="how many of the twenty counters key at the same time (1: one after another, the peer run)")
args = parser.parse_args()
work = tempfile.mkdtemp(prefix="xuanju-load-")
env = dict(os.environ, XUANJU_ADMIN_PASSWORD="load-admin-password-1")
target = []
if args.postgres:
    env["DATABASE_URL"] = args.postgres
else:
    target = ["--db", os.path.join(work, "load.sqlite")]
label = args.label or ("PostgreSQL" if args.postgres else "SQLite")

subprocess.run([args.binary, "demo", "--members", str(args.members)] + target, env=env, check=True, stdout=subprocess.DEVNULL)
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
base = f"http://127.0.0.1:{port}"
server = subprocess.Popen([args.binary, "serve", "--port", str(port)] + target, env=env,
                          stdout=open(os.path.join(work, "server.log"), "wb"), stderr=subprocess.STDOUT)
try:
    wait_until_up(base)
    admin = API(base).sign_in("admin", env["XUANJU_ADMIN_PASSWORD"])

    def ok(status, answer, expected=(200, 201)):
        assert status in expected, (status, answer)
        return answer

    # A committee whose subtree has enough full members for ten batches after the quorum.
    organizations = ok(*admin.call("GET", "/api/v1/organizations"))
    unit = min((o for o in organizations if o["members"] >= 600 and o["depth"] >= 1), key=lambda o: o["members"])
    election = ok(*admin.call("POST", "/api/v1/elections", {
        "name": f"{unit['name']}党员大会（压力测试）", "organizationId": unit["id"], "profile": "basic", "seats": 5,
        "marginRatio": "0.2", "referenceDate": "2026-09-01"}))
    subtree = {unit["id"]}
    for o in organizations:   # depth-first: a parent comes before its children
        if o.get("parentId") in subtree:
            subtree.add(o["id"])
    members, page = [], 1
    while True:
        answer = ok(*admin.call("GET", f"/api/v1/members?status=%E6%AD%A3%E5%BC%8F%E5%85%9A%E5%91%98&pageSize=200&page={page}"))
        members += [m for m in answer["members"] if m["organizationId"] in subtree]
        if page >= answer["pageCount"]:
            break
        page += 1
    attendance = ok(*admin.call("GET", f"/api/v1/elections/{election['id']}/attendance"))
    voters = attendance["voters"]
    assert voters >= 501, f"{unit['name']} 只有 {voters} 名有选举权的党员"
    needed = max(500, -(-4 * voters // 5))   # the four-fifths quorum, and enough for ten batches
    checked = 0
    for m in members:
        if checked >= needed:
            break
        status, answer = admin.call("POST", f"/api/v1/elections/{election['id']}/check-ins", {"query": m["record"]["idNumber"]})
        if status == 201:
            checked += 1
    attendance = ok(*admin.call("GET", f"/api/v1/elections/{election['id']}/attendance"))
    assert attendance["present"] == needed and attendance["quorumMet"], attendance
    candidates = [m["id"] for m in members[-6:]]
    round_ = ok(*admin.call("POST", f"/api/v1/elections/{election['id']}/rounds", {"kind": "formal", "seats": 5, "candidates": candidates}))
    rid, ids = round_["id"], [c["id"] for c in round_["candidates"]]
    for step in [{"step": "freeze"}, {"step": "open", "issued": needed}, {"step": "collect", "returned": 500}, {"step": "count"}]:
        state = ok(*admin.call("POST", f"/api/v1/rounds/{rid}/steps", step))
    batches = [int(b["id"]) for b in state["batches"]]
    assert len(batches) == 10, state["batches"]

    # Twenty counters, one entry of one batch each.
    passwords = {}
    for i in range(1, 21):
        answer = ok(*admin.call("POST", "/api/v1/users", {"username": f"load{i:02d}", "displayName": f"计票人{i}", "role": "计票员",
                                                        "organizationId": unit["id"]}))
        passwords[f"load{i:02d}"] = answer["oneTimePassword"]
    rng = random.Random(20)

    def random_ballot():
        if rng.random() < 0.04:
            return {"invalid": "无法辨认"}
        return {"marks": {c: m for c in ids for m in [rng.choice(["for", "for", "against", None])] if m}}

    ballots = {(b, n): random_ballot() for b in batches for n in range(1, 51)}
    latencies, failures, lock = [], [], threading.Lock()
    start_line = threading.Barrier(20)
    turns = threading.Semaphore(args.at_once)
    rng_pause = random.Random(21)   # staggers the counters' starts within one pace

    def counter(username, batch, entry):
        try:
            api = API(base).sign_in(username, passwords[username], new_password=passwords[username] + "-x")
            start_line.wait()
            turns.acquire()
            next_start = time.perf_counter() + rng_pause.random() * args.pace
            for n in range(1, 51):
                time.sleep(max(0.0, next_start - time.perf_counter()))
                next_start += args.pace
                started = time.perf_counter()
                status, answer = api.call("PUT", f"/api/v1/rounds/{rid}/batches/{batch}/entries/{entry}/ballots/{n}", ballots[(batch, n)])
                took = time.perf_counter() - started
                assert status == 200, (username, batch, entry, n, status, answer)
                with lock:
                    latencies.append(took)
            status, answer = api.call("POST", f"/api/v1/rounds/{rid}/batches/{batch}/entries/{entry}/finalise")
            assert status == 200, (status, answer)
            turns.release()
        except BaseException as e:
            failures.append(repr(e))
            start_line.abort()

    threads = [threading.Thread(target=counter, args=(f"load{2 * i + e:02d}", batch, e)) for i, batch in enumerate(batches) for e in (1, 2)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    assert not failures, failures[:3]

    # Nothing lost: every batch definitive, the count equal to a recount of what was sent.
    detail = ok(*admin.call("GET", f"/api/v1/rounds/{rid}"))
    assert all(b["state"] == "已确定" for b in detail["batches"]), detail["batches"]
    ok(*admin.call("POST", f"/api/v1/rounds/{rid}/steps", {"step": "finish"}))
    report = ok(*admin.call("GET", f"/api/v1/rounds/{rid}/report"))
    assert report["returned"] == 500, report["returned"]
    valid, invalid = check_recount(report, ballots.values(), ids, 5)
    ordered = sorted(latencies)
    p50, p99 = statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000
    pace = f"每人每 {args.pace:g} 秒一张，" if args.pace else "不停顿，"
    print(f"{label}：20 名计票人{'同时' if args.at_once == 20 else f'每次 {args.at_once} 人'}{pace}录入 10 批（每批两次）共 {len(latencies)} 张，用时 {elapsed:.1f} 秒（{len(latencies) / elapsed:.0f} 张/秒）；"
          f"PUT 延迟 p50 {p50:.1f} ms，p99 {p99:.1f} ms，最长 {ordered[-1] * 1000:.1f} ms")
    print(f"{label}：无遗漏——10 批均已确定，计票（有效 {valid}，无效 {invalid}）与重新点票一致")
    print(f"load {label}: 1 passed, 0 failed")
finally:
    server.terminate()
    server.wait()
