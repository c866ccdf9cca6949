#!/usr/bin/env python3
"""Counting speed: `xuanju bench count` against votelib on the same ballots.

The ballots are the ones `xuanju bench count` generates (SplitMix64, seed 42, four draws per
candidate and 64-ballot word), rebuilt here with numpy, so both sides count the same marks
and must give the same for-votes. votelib gets them as approval ballots and runs
ApprovalToSimpleVotes + the absolute-majority selection; only that is timed.
Usage: votelib_count_bench.py XUANJU_BINARY [BALLOTS] [CANDIDATES] [SEATS]
"""
import subprocess, sys, time
from fractions import Fraction
import numpy as np
from votelib.convert import ApprovalToSimpleVotes
from votelib.evaluate.core import Conditioned, Plurality
from votelib.evaluate.threshold import AbsoluteThreshold

GAMMA = np.uint64(0x9E3779B97F4A7C15)


def splitmix(seed, count):
    with np.errstate(over="ignore"):
        state = np.uint64(seed) + (np.arange(1, count + 1, dtype=np.uint64) * GAMMA)
        z = state
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def ballots_for_planes(ballots, candidates):
    words = (ballots + 63) // 64
    draws = splitmix(42, candidates * words * 4).reshape(candidates, words, 4)
    x, y = draws[:, :, 0], draws[:, :, 1]
    for_planes = x & y
    bits = np.unpackbits(for_planes.astype("<u8").view(np.uint8).reshape(candidates, words, 8), axis=2, bitorder="little")
    return bits.reshape(candidates, words * 64)[:, :ballots].T.astype(bool)   # ballots × candidates


def main():
    binary = sys.argv[1]
    ballots = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    candidates = int(sys.argv[3]) if len(sys.argv) > 3 else 68
    seats = int(sys.argv[4]) if len(sys.argv) > 4 else 56
    out = subprocess.run([binary, "bench", "count", "--ballots", str(ballots), "--candidates", str(candidates),
                          "--seats", str(seats), "--tally"], capture_output=True, text=True, check=True).stdout
    print(out.strip())
    xuanju_seconds = float(out.split("计票（判定有效 + 统计 + 当选）：")[1].split(" 秒")[0])
    xuanju_tally = [int(v) for v in out.split("TALLY ")[1].split(",")]

    marks = ballots_for_planes(ballots, candidates)   # the input, as xuanju's planes are
    names = [f"c{j}" for j in range(candidates)]
    # Timed like xuanju's count: each ballot's validity, votelib's input built from the marks, the tally, who is elected.
    start = time.perf_counter()
    valid = marks.sum(axis=1) <= seats
    approvals = {}
    for row in marks[valid]:
        key = frozenset(names[j] for j in np.flatnonzero(row))
        approvals[key] = approvals.get(key, 0) + 1
    votes = ApprovalToSimpleVotes().convert(approvals)
    Conditioned(AbsoluteThreshold(Fraction(int(valid.sum()), 2), accept_equal=False), Plurality()).evaluate(votes, seats)
    votelib_seconds = time.perf_counter() - start
    votelib_tally = [votes.get(n, 0) for n in names]
    same = votelib_tally == xuanju_tally
    print(f"votelib：{votelib_seconds:.3f} 秒（{ballots / votelib_seconds:,.0f} 张/秒）")
    print(f"xuanju：{xuanju_seconds:.5f} 秒；xuanju 比 votelib 快 {votelib_seconds / xuanju_seconds:,.0f} 倍")
    print(f"两边赞成票一致：{'是' if same else '否'}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
