"""How long normalisation takes per input line, against the plain library calls it shortcuts.

    .venv/bin/python scripts/bench_normalize.py [--lines 100000]

Prints per-value microseconds for each input shape and for a realistic 100,000-line mix, next to
phonenumbers.parse + is_valid_number and email_validator.validate_email on the same values.
"""

from __future__ import annotations

import argparse
import random
import time

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from optout_tui.normalize import classify, normalize_email, normalize_mobile

SHAPES = {
    "canonical 01012345678": lambda r: f"010{r.randrange(10**8):08d}",
    "dashed 010-1234-5678": lambda r: f"010-{r.randrange(10**4):04d}-{r.randrange(10**4):04d}",
    "+82 10-1234-5678": lambda r: f"+82 10-{r.randrange(10**4):04d}-{r.randrange(10**4):04d}",
    "full-width": lambda r: (
        "０１０－" + "".join(chr(0xFF10 + int(d)) for d in f"{r.randrange(10**4):04d}") + "－５６７８"
    ),
    "landline (rejected)": lambda r: f"02-{r.randrange(1000):03d}-{r.randrange(10**4):04d}",
    "email": lambda r: f"user{r.randrange(10**6)}@{r.choice(['naver.com', 'gmail.com', 'daum.net', 'kakao.com'])}",
    "Name <email>": lambda r: f"Kim Minsu <kim{r.randrange(10**6)}@Naver.COM>",
}
MIX = [
    ("canonical 01012345678", 50),
    ("dashed 010-1234-5678", 30),
    ("+82 10-1234-5678", 5),
    ("full-width", 2),
    ("landline (rejected)", 3),
    ("email", 8),
    ("Name <email>", 2),
]


def per_value(fn, values) -> float:
    start = time.perf_counter()
    for value in values:
        fn(value)
    return (time.perf_counter() - start) / len(values) * 1e6


def library_only(value: str):
    """What a naive normaliser would do: hand every value to the libraries."""
    if "@" in value:
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            return None
    try:
        number = phonenumbers.parse(value, "KR")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.is_valid_number(number)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(7)

    print(f"{'shape':<26}{'classify µs':>13}{'libraries µs':>14}{'ratio':>8}")
    for name, make in SHAPES.items():
        values = [make(rng) for _ in range(5000)]
        ours = per_value(classify, values)
        theirs = per_value(library_only, values)
        print(f"{name:<26}{ours:>13.2f}{theirs:>14.2f}{theirs / ours:>7.1f}x")

    population = [name for name, weight in MIX for _ in range(weight)]
    lines = [SHAPES[rng.choice(population)](rng) for _ in range(args.lines)]
    start = time.perf_counter()
    results = [classify(line) for line in lines]
    ours_total = time.perf_counter() - start
    start = time.perf_counter()
    for line in lines:
        library_only(line)
    theirs_total = time.perf_counter() - start
    phones = [line for line in lines if "@" not in line]
    emails = [line for line in lines if "@" in line]
    print()
    print(
        f"{args.lines:,}-line mix: classify {ours_total:.2f} s ({ours_total / args.lines * 1e6:.2f} µs/line), "
        f"libraries alone {theirs_total:.2f} s ({theirs_total / ours_total:.1f}x slower); "
        f"{sum(hasattr(r, 'reason') for r in results):,} rejected"
    )
    print(
        f"  normalize_mobile on its {len(phones):,} phone lines: {per_value(normalize_mobile, phones):.2f} µs/line; "
        f"normalize_email on its {len(emails):,} email lines: {per_value(normalize_email, emails):.2f} µs/line"
    )


if __name__ == "__main__":
    main()
