#!/usr/bin/env python3
"""Writes the synthetic e-mail trace of scenarios/help_desk.yaml: one recorded weekday,
08:00-18:00, arrivals of a time-varying Poisson process (more in the morning), each with the
handling time the ticket took. Deterministic (a fixed seed), so the file in the repository is
exactly what this script writes; no real data. Usage: make-help-desk-trace.py [OUTPUT]"""
import math
import random
import sys

SEED = 20261207
START, END = 8 * 3600, 18 * 3600
# Tickets per hour, by hour of the day from 08:00.
PER_HOUR = [34, 42, 38, 30, 24, 26, 30, 28, 22, 16]


def trace():
    rng = random.Random(SEED)
    rows = []
    t = float(START)
    peak = max(PER_HOUR) / 3600.0
    while True:  # thinning (Lewis-Shedler): exact for a piecewise-constant rate
        t += rng.expovariate(peak)
        if t >= END:
            return rows
        rate = PER_HOUR[int((t - START) // 3600)] / 3600.0
        if rng.random() * peak < rate:
            # Handling: lognormal, mean 9 min, cv 0.8; a few tickets were never timed.
            sigma = math.sqrt(math.log(1 + 0.8**2))
            handling = rng.lognormvariate(math.log(540) - sigma**2 / 2, sigma)
            timed = rng.random() >= 0.05
            rows.append((int(t), round(handling) if timed else None))


def main():
    out = open(sys.argv[1], "w", newline="") if len(sys.argv) > 1 else sys.stdout
    out.write("time,handling\n")
    for t, handling in trace():
        clock = "%02d:%02d:%02d" % (t // 3600, t % 3600 // 60, t % 60)
        out.write("%s,%s\n" % (clock, "" if handling is None else handling))
    out.close()


if __name__ == "__main__":
    main()
