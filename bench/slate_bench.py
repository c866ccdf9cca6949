#!/usr/bin/env python3
"""Slate planning: `xuanju plan-slate` (GLPK, in Swift) against PuLP + CBC on the same model.

A pool of 5,000 nominees in 10 units, 68 places (the seed's quotas), 8 requirements (the
seed's 7 and a 一线 guidance target). Both solve the lexicographic objective in two phases:
least guidance deviation, then most support. Prints both times and both objective values.
Usage: slate_bench.py XUANJU_BINARY [NOMINEES]"""
import json, random, subprocess, sys, tempfile, time
import pulp

QUOTAS = {"wuling": 3, "jinshi": 3, "dingcheng": 5, "taoyuan": 5, "lixian": 5, "shimen": 4, "hanshou": 4,
          "linli": 4, "anxiang": 4, "shizhi": 31}
REQUIREMENTS = [
    {"id": "women", "label": "妇女", "where": {"gender": "女"}, "min": 0.20, "level": "mandatory"},
    {"id": "minority", "label": "少数民族", "where": {"ethnicity": {"not": "汉族"}}, "min": 0.11, "level": "mandatory"},
    {"id": "age50", "label": "50岁以下", "where": {"ageAtMost": 50}, "min": 0.60, "level": "mandatory"},
    {"id": "age35", "label": "35岁以下", "where": {"ageAtMost": 35}, "approx": 0.05, "tolerance": 1, "level": "guidance"},
    {"id": "cadre", "label": "各级领导干部", "where": {"category": "领导干部"}, "approx": 0.68, "tolerance": 1, "level": "guidance"},
    {"id": "professional", "label": "专业技术人员", "where": {"category": "专业技术人员"}, "approx": 0.20, "tolerance": 1, "level": "guidance"},
    {"id": "model", "label": "先进模范人物", "where": {"category": "先进模范人物"}, "approx": 0.12, "tolerance": 1, "level": "guidance"},
    {"id": "frontline", "label": "一线", "where": {"tag": "一线"}, "min": 0.10, "level": "guidance"},
]
REFERENCE = (2026, 9, 1)


def make_pool(n, rng):
    pool = []
    units = list(QUOTAS)
    for i in range(n):
        year = rng.randint(1960, 1995)
        pool.append({"id": f"p{i:05d}", "name": rng.choice("王李张刘陈杨黄赵吴周") + rng.choice("伟芳娜敏静丽强磊军洋") + str(i),
                     "unit": units[i % len(units)], "gender": "女" if rng.random() < 0.25 else "男",
                     "ethnicity": "土家族" if rng.random() < 0.12 else "汉族",
                     "birthDate": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                     "category": rng.choices(["领导干部", "专业技术人员", "先进模范人物"], [60, 28, 12])[0],
                     "tags": ["一线"] if rng.random() < 0.15 else [], "support": rng.randint(0, 500)})
    return pool


def age(p):
    y, m, d = map(int, p["birthDate"].split("-"))
    return REFERENCE[0] - y - (1 if (REFERENCE[1], REFERENCE[2]) < (m, d) else 0)


def matches(req, p):
    for key, value in req["where"].items():
        if key in ("gender", "ethnicity", "category"):
            if isinstance(value, dict):
                if "not" in value and p[key] == value["not"]: return False
                if "in" in value and p[key] not in value["in"]: return False
            elif p[key] != value: return False
        elif key == "tag" and value not in p["tags"]: return False
        elif key == "ageAtMost" and age(p) > value: return False
    return True


def band(req, n):
    from fractions import Fraction
    import math
    if "min" in req:
        return math.ceil(Fraction(str(req["min"])) * n), n
    if "max" in req:
        return 0, math.floor(Fraction(str(req["max"])) * n)
    aim = math.floor(Fraction(str(req["approx"])) * n + Fraction(1, 2))
    t = req.get("tolerance", 1)
    return max(0, aim - t), min(n, aim + t)


def solve_pulp(pool, n):
    prob = pulp.LpProblem("slate", pulp.LpMinimize)
    x = {p["id"]: pulp.LpVariable("x_" + p["id"], cat="Binary") for p in pool}
    prob += pulp.lpSum(x.values()) == n
    for unit, q in QUOTAS.items():
        prob += pulp.lpSum(x[p["id"]] for p in pool if p["unit"] == unit) == q
    deviation = []
    for req in REQUIREMENTS:
        lo, hi = band(req, n)
        count = pulp.lpSum(x[p["id"]] for p in pool if matches(req, p))
        if req["level"] == "mandatory":
            prob += count >= lo
            prob += count <= hi
        else:
            under = pulp.LpVariable("under_" + req["id"], lowBound=0, cat="Integer")
            over = pulp.LpVariable("over_" + req["id"], lowBound=0, cat="Integer")
            prob += count + under >= lo
            prob += count - over <= hi
            deviation += [under, over]
    prob.setObjective(pulp.lpSum(deviation))
    solver = pulp.PULP_CBC_CMD(msg=False)
    prob.solve(solver)
    best = round(pulp.value(prob.objective) or 0)
    prob += pulp.lpSum(deviation) <= best
    prob.sense = pulp.LpMaximize
    prob.setObjective(pulp.lpSum(p["support"] * x[p["id"]] for p in pool))
    prob.solve(solver)
    return best, round(pulp.value(prob.objective)), pulp.LpStatus[prob.status]


def main():
    binary = sys.argv[1]
    n_pool = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    rng = random.Random(56)
    pool = make_pool(n_pool, rng)
    request = {"referenceDate": "2026-09-01", "seats": 56, "units": [{"id": u, "quota": q} for u, q in QUOTAS.items()],
               "requirements": REQUIREMENTS, "pool": pool}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(request, f, ensure_ascii=False)
    start = time.perf_counter()
    out = subprocess.run([binary, "plan-slate", "--input", f.name], capture_output=True, text=True, check=True)
    xuanju_seconds = time.perf_counter() - start
    plan = json.loads(out.stdout)
    start = time.perf_counter()
    deviation, support, status = solve_pulp(pool, sum(QUOTAS.values()))
    pulp_seconds = time.perf_counter() - start
    print(f"被推荐人 {n_pool} 名，10 个单位，68 个名额，{len(REQUIREMENTS)} 项结构要求")
    print(f"xuanju plan-slate（GLPK，含进程启动与读入）：{xuanju_seconds:.3f} 秒；偏差 {plan['deviation']}，推荐票 {plan['support']}")
    print(f"PuLP + CBC（建模与两次求解）：{pulp_seconds:.3f} 秒；偏差 {deviation}，推荐票 {support}（{status}）")
    same = plan["feasible"] and plan["deviation"] == deviation and plan["support"] == support
    print(f"两边最优值一致：{'是' if same else '否'}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
