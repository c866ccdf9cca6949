#!/usr/bin/env python3
"""Differential test: random rounds counted by `xuanju count` and by Python votelib agree.

votelib side: the valid ballots' for-marks (write-ins included) go through
ApprovalToSimpleVotes; the absolute majority is Conditioned(AbsoluteThreshold(base/2,
accept_equal=False), Plurality()), RULES.md's `2·for > base`. Both must agree on the counts,
on who qualifies, on the ranking, and on who is elected or that a tie needs a new vote. The
quorum, void rounds (more ballots returned than issued), the shortfall and the supplementary
list are decided here from RULES.md §2, §5 and §6, written out independently of Xuanju's code.
Usage: differential_count.py XUANJU_BINARY [ROUNDS]
"""
import json, random, subprocess, sys, tempfile
from fractions import Fraction
from votelib.convert import ApprovalToSimpleVotes
from votelib.evaluate.core import Conditioned, Plurality, Tie
from votelib.evaluate.threshold import AbsoluteThreshold

NAMES = ["王一", "李二", "张三", "刘四", "陈五", "杨六", "赵七", "黄八", "周九", "吴十"]
WRITE_INS = ["孙甲", "钱乙"]


def random_round(rng):
    n = rng.randint(1, len(NAMES))
    seats = rng.randint(1, n)
    candidates = NAMES[:n]
    profile = rng.choice(["basic", "local-congress", "local-plenary"])
    ballots = []
    # Some rounds have a popular group one larger than the seats: more qualifiers than
    # seats, so the cut-off (and ties at it) are exercised.
    popular = candidates[: seats + 1] if rng.random() < 0.4 else None
    for _ in range(rng.randint(0, rng.choice([8, 20, 120]))):
        if rng.random() < 0.05:
            ballots.append({"invalid": "无法辨认"})
            continue
        # Most voters mark at most `seats` names for, favouring the first candidates, so
        # there are winners, ties at the cut-off, shortfalls and some over-marked ballots.
        limit = seats if rng.random() < 0.9 else len(candidates)
        marks = {"for": [], "against": []}
        if popular and rng.random() < 0.9:
            marks["for"] = rng.sample(popular, min(seats, len(popular)))
            ballots.append(marks)
            continue
        for i, name in enumerate(candidates):
            r = rng.random()
            if r < 0.8 - 0.07 * i and len(marks["for"]) < limit:
                marks["for"].append(name)
            elif r < 0.9:
                marks["against"].append(name)
        if marks["against"] and rng.random() < 0.2:
            marks["writeIns"] = [rng.choice(WRITE_INS)]
        ballots.append(marks)
    present = len(ballots) + rng.randint(0, 3)
    expected = present + rng.randint(0, present // 4 + 1)
    # Any number of candidates from one per seat: the margin rule (RULES §3) has its own tests.
    rnd = {"profile": profile, "seats": seats, "candidates": candidates, "expected": expected,
           "present": present, "ballots": ballots, "margin": {"ratio": "0"}}
    # Now and then more ballots come back than were issued: the round is void.
    if ballots and rng.random() < 0.05:
        rnd["issued"] = len(ballots) - 1
    return rnd


def quorum_met(rnd):
    """RULES.md §2, written out here: basic 5P >= 4E, local congress 2P > E, local plenary 3P > 2E."""
    p, e = rnd["present"], rnd["expected"]
    return {"basic": 5 * p >= 4 * e, "local-congress": 2 * p > e, "local-plenary": 3 * p > 2 * e}[rnd["profile"]]


def void(rnd):
    return len(rnd["ballots"]) > rnd.get("issued", rnd["present"])


def votelib_side(rnd):
    seats = rnd["seats"]
    approvals = {}
    for b in rnd["ballots"]:
        if "invalid" in b:
            continue
        chosen = list(b.get("for", [])) + b.get("writeIns", [])[: len(b.get("against", []))]
        if len(chosen) > seats:
            continue
        key = frozenset(chosen)
        approvals[key] = approvals.get(key, 0) + 1
    votes = ApprovalToSimpleVotes().convert(approvals)
    base = rnd["present"] if rnd["profile"] == "basic" else rnd["expected"]
    qualifies = set(AbsoluteThreshold(Fraction(base, 2), accept_equal=False).evaluate(votes))
    elected = Conditioned(AbsoluteThreshold(Fraction(base, 2), accept_equal=False), Plurality()).evaluate(votes, seats)
    return votes, qualifies, elected


def main():
    binary = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(20261129)
    disagreements = 0
    counted = 0
    ties = 0
    shortfalls = 0
    for k in range(rounds):
        rnd = random_round(rng)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(rnd, f, ensure_ascii=False)
        out = subprocess.run([binary, "count", "--input", f.name], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"round {k}: xuanju failed: {out.stderr}")
            disagreements += 1
            continue
        report = json.loads(out.stdout)
        problems = []
        # Quorum and void rounds, decided here from RULES.md, not by the counter.
        if report["quorum"]["met"] != quorum_met(rnd):
            problems.append(f"quorum {report['quorum']} vs {quorum_met(rnd)}")
        expect_counted = quorum_met(rnd) and not void(rnd)
        if report["counted"] != expect_counted or report["void"] != (quorum_met(rnd) and void(rnd)):
            problems.append(f"counted {report['counted']} void {report['void']} vs counted {expect_counted}")
        if report["issued"] != rnd.get("issued", rnd["present"]):
            problems.append(f"issued {report['issued']}")
        if problems or not report["counted"]:
            if problems:
                disagreements += 1
                print(f"round {k}: " + "; ".join(problems))
            continue
        counted += 1
        votes, qualifies, elected = votelib_side(rnd)
        ours = {r["name"]: r["for"] for r in report["results"]}
        if {n: v for n, v in ours.items() if v} != {n: v for n, v in votes.items() if v}:
            problems.append(f"counts {ours} vs {votes}")
        our_qualifiers = {r["name"] for r in report["results"] if r["status"] != "below-threshold"}
        if our_qualifiers != qualifies:
            problems.append(f"qualifiers {our_qualifiers} vs {qualifies}")
        ranking = [r["for"] for r in report["results"]]
        if ranking != sorted(ranking, reverse=True):
            problems.append("ranking not by votes")
        has_tie = any(isinstance(e, Tie) for e in elected)
        if has_tie != (report["tieBreak"] is not None):
            problems.append(f"tie {elected} vs {report['tieBreak']}")
        elif has_tie:
            ties += 1
            sure = {e for e in elected if not isinstance(e, Tie)}
            tied = set().union(*[set(e) for e in elected if isinstance(e, Tie)])
            if sure != set(report["elected"]) or tied != set(report["tieBreak"]["candidates"]):
                problems.append(f"tie groups {elected} vs {report['elected']} {report['tieBreak']}")
        elif set(elected) != set(report["elected"]):
            problems.append(f"elected {elected} vs {report['elected']}")
        else:
            # Shortfall and the supplementary list (RULES §6): the seats left open; the listed
            # candidates not elected with the most votes, s + ⌈s × 0⌉ of them but at least s + 1.
            shortfall = rnd["seats"] - len(elected)
            if report["shortfall"] != shortfall:
                problems.append(f"shortfall {report['shortfall']} vs {shortfall}")
            supplementary = report["supplementary"]
            if shortfall == 0:
                if supplementary is not None:
                    problems.append(f"supplementary {supplementary} without a shortfall")
            else:
                shortfalls += 1
                pool = sorted((votes.get(n, 0) for n in rnd["candidates"] if n not in elected), reverse=True)
                wanted = min(shortfall + 1, len(pool))
                listed = supplementary["candidates"] if supplementary else []
                if (supplementary or {}).get("seats") != shortfall or len(listed) != wanted \
                        or not set(listed) <= set(rnd["candidates"]) - set(elected) \
                        or sorted((votes.get(n, 0) for n in listed), reverse=True) != pool[:wanted]:
                    problems.append(f"supplementary {supplementary} vs {wanted} of {pool}")
        if problems:
            disagreements += 1
            print(f"round {k}: " + "; ".join(problems))
    print(f"differential count vs votelib: {counted} rounds counted, {ties} with a tie at the cut-off, "
          f"{shortfalls} with a shortfall; quorum, void rounds and issued ballots checked on all {rounds}")
    print(f"differential: {rounds - disagreements} passed, {disagreements} failed")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
