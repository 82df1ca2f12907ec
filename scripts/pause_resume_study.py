#!/usr/bin/env python3
"""What pausing and resuming runs would buy (issue 12): successive halving in its promotion form,
replayed on a full-grid trace (`ebm-sweep trace`), next to the cheapest such schedule that still
carries the grid's final best to the end.

`ebm-sweep` stops runs (ASHA's stopping form): a configuration keeps running unless the rule
stops it. The promotion form pauses every configuration at each rung and resumes only the best
ones, which needs resumable trainer state; before building that, this measures it on the
replay fixtures. Synchronous per rung (a rung is decided once all its configurations reached
it; the worker-seconds do not depend on the workers), seed-aware as the product is: a
configuration is judged on the mean of its seeds, and one with a diverged seed is out.

- `plain`: resume the best ceil(n/eta) configurations of each rung.
- `tied`: also resume those whose one-sided 90 % lower bound on the mean (Student t, as the
  product's rule) reaches the last resumed one's mean.
- `oracle`: resume exactly the configurations ranked at or above the grid's final best: the
  least any rule that ranks by rung means can spend and keep it.

The configurations a sweep never starts (the Langevin noise floor) are left out: those missing
from `ebm-sweep plan` of the spec beside the trace (`X.yaml` for `X.trace.csv`), or, without it,
those all of whose seeds diverged. Costs use each rung's recorded `elapsed` where the trace has
it, else the share rung/iterations of the job's seconds, as `ebm-sweep replay` does.

`--asynchronous` replays ASHA's own promotion form instead (Li et al. 2020): two virtual
workers (`--workers`), configurations started in job-id order as the coordinator hands them
out, and a free worker takes, in turn, a pending segment of a promoted configuration's seeds,
the promotion of a configuration at the highest rung where one is due, or the next new
configuration. A configuration whose seeds all reached rung k is due when it ranks among the
best floor(n/eta) of the n that did (`plain`), or also when its optimistic bound, as the
product's (the larger of its own and the rung's pooled seed spread, one-sided 90 % t), reaches
the last of those (`tied`). When the grid has no configuration left to start, nothing runs and
no configuration has reached the end, floor becomes ceil, so a finite grid carries one there.

Usage: pause_resume_study.py TRACE... [--eta 3] [--asynchronous [--workers 2]] [--ebm-sweep PATH]
"""
import argparse
import collections
import csv
import heapq
import math
import os
import re
import statistics as st
import subprocess
import sys

# One-sided 90 % Student t by degrees of freedom (beyond 30: 40, 60, 120, then the normal's).
T90 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397, 9: 1.383, 10: 1.372,
       11: 1.363, 12: 1.356, 13: 1.350, 14: 1.345, 15: 1.341, 16: 1.337, 17: 1.333, 18: 1.330, 19: 1.328,
       20: 1.325, 21: 1.323, 22: 1.321, 23: 1.319, 24: 1.318, 25: 1.316, 26: 1.315, 27: 1.314, 28: 1.313,
       29: 1.311, 30: 1.310, 40: 1.303, 60: 1.296, 120: 1.289}


def t90(df):
    return T90.get(df) or next((T90[k] for k in (40, 60, 120) if df <= k), 1.282)


def load(path):
    jobs = collections.OrderedDict()
    for r in csv.DictReader(open(path)):
        j = jobs.setdefault(r['job'], {'config': r['config'], 'seconds': float(r['seconds']), 'status': r['status'],
                                       'iterations': int(r['iterations']), 'rungs': {}, 'elapsed': {}, 'final': math.nan})
        metric = float(r['kde_nll']) if r['kde_nll'] not in ('', 'nan') else math.nan
        if r['kind'] == 'rung':
            j['rungs'][int(r['iteration'])] = metric
            if r.get('elapsed'):
                j['elapsed'][int(r['iteration'])] = float(r['elapsed'])
        else:
            j['final'] = metric
    return jobs


def seconds_at(job, iteration):
    """The job's seconds when it reached `iteration` (all of them at its end, or where it diverged)."""
    if iteration >= job['iterations']:
        return job['seconds']
    if iteration in job['elapsed']:
        return job['elapsed'][iteration]
    return min(job['seconds'], job['seconds'] * iteration / job['iterations'])


class Grid:
    """A trace's configurations, rungs, full-grid cost and final ranking."""

    def __init__(self, path, eta, first, runnable=None):
        self.jobs = load(path)
        self.configs = collections.defaultdict(list)
        for j in self.jobs.values():
            self.configs[j['config']].append(j)
        self.seconds = sum(j['seconds'] for j in self.jobs.values())
        self.iterations = next(iter(self.jobs.values()))['iterations']
        self.rungs, r = [], first
        while r < self.iterations:
            self.rungs.append(r)
            r *= eta
        self.rungs.append(self.iterations)
        self.alive = ([c for c in self.configs if c in runnable] if runnable is not None else
                      [c for c, js in self.configs.items() if not all(j['status'] == 'diverged' for j in js)])
        self.complete = {c: [j['final'] for j in js] for c, js in self.configs.items() if all(j['status'] == 'ok' for j in js)}
        self.ranking = sorted(self.complete, key=lambda c: st.mean(self.complete[c]))
        self.best = self.ranking[0]

    def value(self, job, k):
        """The job's metric at rung index k (its final one at the last), NaN if it diverged before."""
        it = self.rungs[k]
        if it == self.iterations:
            return job['final'] if job['status'] == 'ok' else math.nan
        return job['rungs'].get(it, math.nan)

    def outcome(self, cost, finishers):
        pick = min(finishers, key=lambda c: st.mean(finishers[c])) if finishers else None
        spread = st.stdev(self.complete[self.best])
        return {'share': cost / self.seconds, 'pick': pick,
                'rank': self.ranking.index(pick) + 1 if pick in self.ranking else None,
                'within': pick in self.complete and st.mean(self.complete[pick]) - st.mean(self.complete[self.best]) <= spread,
                'best kept': self.best in finishers}


def lower_bound(values, pooled):
    """The product's optimistic bound: mean − t·σ/√n, σ the larger of own and pooled spreads."""
    n = len(values)
    own = (st.variance(values), n - 1) if n >= 2 else None
    spread = own if own and (not pooled or own[0] >= pooled[0]) else pooled
    return st.mean(values) - t90(spread[1]) * math.sqrt(spread[0] / n) if spread else -math.inf


def replay(path, eta, first, rule, runnable):
    g = Grid(path, eta, first, runnable)
    alive, cost, previous = list(g.alive), 0.0, 0
    for k, it in enumerate(g.rungs):
        cost += sum(seconds_at(j, it) - seconds_at(j, previous) for c in alive for j in g.configs[c])
        values = {c: [g.value(j, k) for j in g.configs[c]] for c in alive}
        values = {c: v for c, v in values.items() if not any(math.isnan(x) for x in v)}  # a diverged seed is out
        order = sorted(values, key=lambda c: st.mean(values[c]))
        if it == g.iterations:
            return g.outcome(cost, {c: values[c] for c in order})
        if rule == 'oracle':
            keep = order[:order.index(g.best) + 1] if g.best in order else []
        else:
            keep = order[:max(1, math.ceil(len(order) / eta))]
            if rule == 'tied' and keep:
                threshold = st.mean(values[keep[-1]])
                for c in order[len(keep):]:
                    v = values[c]
                    if len(v) > 1 and st.mean(v) - t90(len(v) - 1) * st.stdev(v) / math.sqrt(len(v)) <= threshold:
                        keep.append(c)
        alive, previous = keep, it


def replay_asynchronous(path, eta, first, rule, workers, runnable):
    g = Grid(path, eta, first, runnable)
    last = len(g.rungs) - 1
    unstarted = sorted(g.alive)                       # the coordinator's job-id order
    pending = collections.deque()                     # (config, job, rung index) segments to run
    reported = collections.defaultdict(dict)          # (config, k) → job id → value
    promoted, out = set(), set()
    events, cost, now, free, sequence = [], 0.0, 0.0, workers, 0

    def finishers(k):
        """Configurations whose every seed reported at rung index k, and their values."""
        return {c: list(reported[(c, k)].values()) for c in g.alive
                if c not in out and len(reported[(c, k)]) == len(g.configs[c])}

    def due(k, strict):
        values = finishers(k)
        count = len(values) // eta if strict else math.ceil(len(values) / eta)
        if count == 0:
            return []
        order = sorted(values, key=lambda c: st.mean(values[c]))
        threshold = st.mean(values[order[count - 1]])
        spreads = [(st.variance(v), len(v) - 1) for v in values.values() if len(v) >= 2]
        df = sum(d for _, d in spreads)
        pooled = (sum(s * d for s, d in spreads) / df, df) if df else None
        return [c for i, c in enumerate(order) if (c, k) not in promoted
                and (i < count or (rule == 'tied' and lower_bound(values[c], pooled) <= threshold))]

    def schedule(strict=True):
        """Puts the next piece of work in `pending`; False when there is none."""
        if pending:
            return True
        for k in range(last - 1, -1, -1):
            if candidates := due(k, strict):
                promoted.add((candidates[0], k))
                pending.extend((candidates[0], j, k + 1) for j in g.configs[candidates[0]])
                return True
        if unstarted:
            c = unstarted.pop(0)
            pending.extend((c, j, 0) for j in g.configs[c])
            return True
        return False

    while True:
        while free > 0 and (schedule() or (free == workers and not finishers(last) and schedule(strict=False))):
            c, job, k = pending.popleft()
            if c in out:
                continue
            began = seconds_at(job, g.rungs[k - 1]) if k > 0 else 0.0
            ends = job['seconds'] if math.isnan(g.value(job, k)) else seconds_at(job, g.rungs[k])
            cost += max(ends - began, 0.0)
            free, sequence = free - 1, sequence + 1
            heapq.heappush(events, (now + max(ends - began, 0.0), sequence, c, job, k))
        if not events:
            return g.outcome(cost, finishers(last))
        now, _, c, job, k = heapq.heappop(events)
        free += 1
        value = g.value(job, k)
        if math.isnan(value):
            out.add(c)                                # a diverged seed ends its configuration
        else:
            reported[(c, k)][id(job)] = value


def runnable_configurations(trace, binary):
    """The configurations `ebm-sweep plan` runs of the spec beside `trace`; None without one."""
    spec = re.sub(r'\.trace\.csv$', '.yaml', trace)
    if spec == trace or not os.path.exists(spec) or not os.path.exists(binary):
        print(f"{trace}: no spec or {binary}; leaving out the configurations whose seeds all diverged", file=sys.stderr)
        return None
    plan = subprocess.run([binary, 'plan', spec, '--rows', '1000000'], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r'^([0-9a-f]{12})-s\d+ ', plan, re.MULTILINE))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('traces', nargs='+')
    parser.add_argument('--eta', type=int, default=3)
    parser.add_argument('--asynchronous', action='store_true')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--ebm-sweep', default='.build/release/ebm-sweep', help='for `plan` of the spec beside each trace')
    args = parser.parse_args()
    print('| trace | first rung | rule | of the grid | pick (grid rank) | within 1 sd | best kept |')
    print('|---|---:|---|---:|---|---|---|')
    for path in args.traces:
        runnable = runnable_configurations(path, args.ebm_sweep)
        for first in (100, 300):
            for rule in ('plain', 'tied') if args.asynchronous else ('plain', 'tied', 'oracle'):
                o = (replay_asynchronous(path, args.eta, first, rule, args.workers, runnable) if args.asynchronous
                     else replay(path, args.eta, first, rule, runnable))
                print(f"| {path.split('/')[-1]} | {first} | {rule} | {100 * o['share']:.1f} % | {o['pick']} ({o['rank']}) "
                      f"| {'yes' if o['within'] else 'no'} | {'yes' if o['best kept'] else 'no'} |")


if __name__ == '__main__':
    main()
