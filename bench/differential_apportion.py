#!/usr/bin/env python3
"""Differential test: random apportionment instances computed by `xuanju apportion` and by
Python `apportionment` (compute(method, votes, seats, fractions=True, tiesallowed=False))
agree exactly; where the oracle raises a tie, Xuanju must report complete: false.
Usage: differential_apportion.py XUANJU_BINARY [INSTANCES_PER_METHOD]"""
import json, random, subprocess, sys, tempfile
from apportionment.methods import compute, TiesException

METHODS = {"hamilton": "largest_remainder", "dhondt": "dhondt", "sainte-lague": "saintelague",
           "huntington-hill": "huntington", "adams": "adams"}


def main():
    binary = sys.argv[1]
    per_method = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    rng = random.Random(68)
    cases = []
    for method in METHODS:
        for _ in range(per_method):
            n = rng.randint(2, 10)
            # Small vote counts make ties at the last seat common enough to test.
            top = rng.choice([10, 100, 100_000])
            votes = [rng.randint(1, top) for _ in range(n)]
            seats = rng.randint(1, 70)
            cases.append((method, votes, seats))
    requests = [{"seats": s, "method": m, "units": [{"id": f"u{i}", "members": v} for i, v in enumerate(votes)]}
                for m, votes, s in cases]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(requests, f)
    out = subprocess.run([binary, "apportion", "--batch", "--input", f.name], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"xuanju apportion failed: {out.stderr}")
    results = json.loads(out.stdout)
    failed = ties = 0
    for (method, votes, seats), ours in zip(cases, results):
        try:
            expected = compute(METHODS[method], votes, seats, fractions=True, tiesallowed=False, verbose=False)
        except TiesException:
            ties += 1
            if ours["complete"]:
                failed += 1
                print(f"{method} {votes} {seats}: oracle tie, xuanju {[a['seats'] for a in ours['allocation']]}")
            continue
        got = [a["seats"] for a in ours["allocation"]]
        if not ours["complete"] or got != list(expected):
            failed += 1
            print(f"{method} {votes} {seats}: oracle {expected}, xuanju {got} complete={ours['complete']}")
    print(f"differential apportionment vs apportionment: {len(cases)} instances, {ties} ties at the last seat")
    print(f"differential: {len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
