import { describe, expect, it } from 'vitest';
import { HandoverMonitor } from './handover.js';

describe('HandoverMonitor', () => {
  it('keeps the workers while they keep up', () => {
    const m = new HandoverMonitor();
    for (let i = 0; i < 100; i++) {
      expect(m.useWorkers()).toBe(true);
      m.record(1, 0.5); // waited 0.5 ms after 1 ms of own work: within 0.5 × 1 + 0.05
    }
  });

  it('runs 16 passes alone after 3 slow hand-overs in a row, then tries again, backing off when they stay slow', () => {
    const m = new HandoverMonitor();
    m.record(1, 2);
    m.record(1, 2);
    expect(m.useWorkers()).toBe(true); // two strikes only
    m.record(1, 2);
    let alone = 0;
    while (!m.useWorkers()) alone++;
    expect(alone).toBe(16);
    for (let i = 0; i < 3; i++) m.record(1, 2);
    alone = 0;
    while (!m.useWorkers()) alone++;
    expect(alone).toBe(32);
  });

  it('keeps the workers whatever it measures when adaptation is off (tests of the threads)', () => {
    const m = new HandoverMonitor();
    for (let i = 0; i < 3; i++) m.record(1, 2);
    HandoverMonitor.adaptive = false;
    try {
      expect(m.useWorkers()).toBe(true);
    } finally {
      HandoverMonitor.adaptive = true;
    }
    expect(m.useWorkers()).toBe(false);
  });

  it('a good pass between slow ones resets the count', () => {
    const m = new HandoverMonitor();
    m.record(1, 2);
    m.record(1, 2);
    m.record(1, 0);
    m.record(1, 2);
    m.record(1, 2);
    expect(m.useWorkers()).toBe(true);
    expect(m.passesAlone).toBe(0);
  });

  it('runPass: a pass in which the pool took a task back (its worker had not started it) counts as a slow one', () => {
    // a pool stand-in: runs every task here, and says it took back the second when `back` is set
    const pool = {
      back: true,
      tasksTakenBack: 0,
      run(tasks: readonly number[], local: (t: number) => void) {
        for (const t of tasks) local(t);
        if (this.back) this.tasksTakenBack++;
      },
    };
    const m = new HandoverMonitor();
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) m.runPass(pool, [1, 2], (t) => ran.push(t));
    expect(ran).toEqual([1, 2, 1, 2, 1, 2]);
    expect(m.useWorkers()).toBe(false); // three strikes: the next passes alone
    // without take-backs (and no waiting) the workers are kept
    const m2 = new HandoverMonitor();
    pool.back = false;
    for (let i = 0; i < 5; i++) m2.runPass(pool, [1, 2], () => {});
    expect(m2.useWorkers()).toBe(true);
  });
});
