"""Matching speed on distinct strings: 6,400 distinct diary texts against all foods (SR28 and FNDDS).

    python benchmarks/match_speed.py [--count 6400]

The texts are made distinct on purpose (each normalises differently): everyday names and SR28
head words with cooking words, sizes, brands and typos, so the cache cannot help.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nutri.foods import load_foods  # noqa: E402
from nutri.match import Matcher, normalise  # noqa: E402

MODIFIERS = [
    "grilled",
    "baked",
    "raw",
    "boiled",
    "fried",
    "steamed",
    "roasted",
    "canned",
    "frozen",
    "dried",
    "sliced",
    "chopped",
    "low fat",
    "whole",
    "organic",
    "fresh",
    "with salt",
    "unsalted",
    "spicy",
    "sweet",
    "plain",
    "smoked",
    "light",
    "large",
    "small",
]


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]


def distinct_texts(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    table = load_foods()
    # texts from SR28 descriptions only, so the set stays the same as tables are added
    heads = sorted({",".join(d.split(",")[:2]).lower() for d in table.only("sr28")["description"]})
    texts, seen = [], set()
    while len(texts) < count:
        words = rng.choice(heads).replace(",", " ").split()
        if rng.random() < 0.3:
            words = [typo(rng, w) for w in words]
        words = rng.sample(MODIFIERS, rng.randrange(0, 3)) + words
        text = " ".join(words)
        key = normalise(text)
        if key and key not in seen:
            seen.add(key)
            texts.append(text)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=6400)
    args = parser.parse_args()
    texts = distinct_texts(args.count)
    t0 = time.perf_counter()
    matcher = Matcher(load_foods())
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    statuses = {}
    for text in texts:
        status = matcher.match(text).status
        statuses[status] = statuses.get(status, 0) + 1
    matched = time.perf_counter() - t0
    print(f"command: python benchmarks/match_speed.py --count {args.count}")
    print(
        f"index build {built:.2f} s; {len(texts)} distinct texts matched in {matched:.2f} s ({1000 * matched / len(texts):.2f} ms each); statuses {statuses}"
    )


if __name__ == "__main__":
    main()
