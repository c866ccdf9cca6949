"""A small client of Xuanju's JSON API for the tests: a session cookie, the CSRF token from
sign-in, JSON in and out, the one-time password changed on first use. Standard library only."""
import http.client, json, time, urllib.parse


class API:
    def __init__(self, base, timeout=30):
        url = urllib.parse.urlparse(base)
        self.host, self.port, self.timeout = url.hostname, url.port, timeout
        self.cookie, self.csrf, self.connection = None, None, None

    def _connect(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.connection

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def call(self, method, path, body=None, raw=False):
        """Answers (status, parsed JSON or bytes). A dropped connection raises; callers retry."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        try:
            connection = self._connect()
            connection.request(method, path, body=data, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        except Exception:
            self.close()
            raise
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie" and value.startswith("xuanju_session="):
                self.cookie = value.split(";")[0]
        if raw:
            return answer.status, payload
        return answer.status, (json.loads(payload) if payload else None)

    def sign_in(self, username, password, new_password=None):
        status, answer = self.call("POST", "/api/v1/session", {"username": username, "password": password})
        assert status == 200, (username, status, answer)
        self.csrf = answer["csrfToken"]
        if new_password:
            status, answer = self.call("PUT", "/api/v1/account/password", {"current": password, "new": new_password})
            assert status == 204, (username, status, answer)
        return self


def wait_until_up(base, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            status, _ = API(base, timeout=2).call("GET", "/healthz")
            if status == 200:
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"服务器 {base} 没有在 {seconds} 秒内启动")


def check_recount(report, ballots, ids, seats):
    """Recounts the ballots as sent (no write-ins: a ballot with more for-marks than seats, or
    declared invalid, is invalid; a candidate left out abstains) and checks the server's report
    says the same: valid, invalid, and each candidate's for, against and abstain. Answers
    (valid, invalid)."""
    tally = {c: {"for": 0, "against": 0, "abstain": 0} for c in ids}
    valid = invalid = 0
    for body in ballots:
        marks = body.get("marks")
        if marks is None or list(marks.values()).count("for") > seats:
            invalid += 1
            continue
        valid += 1
        for c in ids:
            tally[c][marks.get(c, "abstain")] += 1
    counted = {r["id"]: {"for": r["for"], "against": r["against"], "abstain": r["abstain"]} for r in report["results"] if not r["writeIn"]}
    assert (report["valid"], report["invalid"]) == (valid, invalid), (report["valid"], report["invalid"], valid, invalid)
    assert counted == tally, (counted, tally)
    return valid, invalid
