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

Configurations all of whose seeds diverged are left out (the Langevin noise floor holds back
exactly those in the ML grids; NCE has none). Costs use each rung's recorded `elapsed` where the
trace has it, else the share rung/iterations of the job's seconds, as `ebm-sweep replay` does.

Usage: pause_resume_study.py TRACE... [--eta 3]
"""
import argparse
import collections
import csv
import math
import statistics as st

T90 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476}  # one-sided 90 % Student t by degrees of freedom


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


def replay(path, eta, first, rule):
    jobs = load(path)
    configs = collections.defaultdict(list)
    for j in jobs.values():
        configs[j['config']].append(j)
    grid = sum(j['seconds'] for j in jobs.values())
    iterations = next(iter(jobs.values()))['iterations']
    rungs, r = [], first
    while r < iterations:
        rungs.append(r)
        r *= eta
    rungs.append(iterations)
    alive = [c for c, js in configs.items() if not all(j['status'] == 'diverged' for j in js)]
    complete = {c: [j['final'] for j in js] for c, js in configs.items() if all(j['status'] == 'ok' for j in js)}
    ranking = sorted(complete, key=lambda c: st.mean(complete[c]))
    best = ranking[0]
    cost, previous = 0.0, 0
    for it in rungs:
        cost += sum(seconds_at(j, it) - seconds_at(j, previous) for c in alive for j in configs[c])
        values = {c: [j['rungs'].get(it, j['final'] if it == iterations and j['status'] == 'ok' else math.nan)
                      for j in configs[c]] for c in alive}
        values = {c: v for c, v in values.items() if not any(math.isnan(x) for x in v)}  # a diverged seed is out
        order = sorted(values, key=lambda c: st.mean(values[c]))
        if it == iterations:
            alive = order
            break
        if rule == 'oracle':
            keep = order[:order.index(best) + 1] if best in order else []
        else:
            keep = order[:max(1, math.ceil(len(order) / eta))]
            if rule == 'tied' and keep:
                threshold = st.mean(values[keep[-1]])
                for c in order[len(keep):]:
                    v = values[c]
                    if len(v) > 1 and st.mean(v) - T90[len(v) - 1] * st.stdev(v) / math.sqrt(len(v)) <= threshold:
                        keep.append(c)
        alive, previous = keep, it
    pick = alive[0] if alive else None
    spread = st.stdev(complete[best])
    return {'share': cost / grid, 'pick': pick, 'rank': ranking.index(pick) + 1 if pick in ranking else None,
            'within': pick in complete and st.mean(complete[pick]) - st.mean(complete[best]) <= spread,
            'best kept': best in alive}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('traces', nargs='+')
    parser.add_argument('--eta', type=int, default=3)
    args = parser.parse_args()
    print('| trace | first rung | rule | of the grid | pick (grid rank) | within 1 sd | best kept |')
    print('|---|---:|---|---:|---|---|---|')
    for path in args.traces:
        for first in (100, 300):
            for rule in ('plain', 'tied', 'oracle'):
                o = replay(path, args.eta, first, rule)
                print(f"| {path.split('/')[-1]} | {first} | {rule} | {100 * o['share']:.1f} % | {o['pick']} ({o['rank']}) "
                      f"| {'yes' if o['within'] else 'no'} | {'yes' if o['best kept'] else 'no'} |")


if __name__ == '__main__':
    main()
