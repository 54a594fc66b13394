import { describe, expect, it } from 'vitest';
import { countedPool } from './threads.test-helpers.js';
import { threadId } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { CONTROL_WORDS, HelperFailed, LEAD_CORE, Team, currentCore, serveTeam, withTeam } from './team.js';
import { COUNT, type TeamTask, runner } from './team.test-helpers.js';

/** A team made with Team.helpersMustJoin as `mustJoin` says (set for the constructor only). */
function made(mustJoin: boolean, make: () => Team): Team {
  Team.helpersMustJoin = mustJoin;
  try {
    return make();
  } finally {
    Team.helpersMustJoin = false;
  }
}

/**
 * The team's protocol with a real helper thread: every item of a job runs exactly once, those of a job of more items
 * than are published at a time too (in rounds), helpers take part, posted tasks are run or taken back, and a helper's
 * failure surfaces on the calling thread.
 */
describe('Team', () => {
  // counted: no running alone, no task taken back, on a loaded machine (see countedPool)
  const pool = countedPool(new URL('./team.test-helpers.ts', import.meta.url), 1);

  const shared = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));
  const session = (count: number, body: (team: Team, t: TeamTask) => void, helperFails = false, mustJoin = false, prepare?: (t: TeamTask) => void): TeamTask => {
    const t: TeamTask = { ctrl: shared(CONTROL_WORDS), ran: shared(count), who: shared(count), tasks: shared(1), helperFails, helped: shared(1) };
    const team = made(mustJoin, () => new Team(t.ctrl, runner(t), 1, undefined, false, prepare && (() => prepare(t))));
    // withTeam: the helper serves the team while body runs here; a helper's task the pool took back (no worker had
    // started it) finds the team stopped and returns at once
    const result = withTeam(pool, team, t, (task) => serveTeam(task.ctrl, runner(task)), () => {
      body(team, t);
      return 'body done';
    });
    expect(result).toBe('body done');
    return t;
  };

  it('runs every item once, a job of 70,000 items in rounds, with the helper taking part', async () => {
    expect(await pool.started()).toBe(true);
    const n = 70_000;
    // helpersMustJoin: the first job waits until the helper has claimed an item (its part, whatever the scheduler)
    const t = session(
      n,
      (team) => {
        for (let r = 0; r < 20; r++) team.run(COUNT, r === 0 ? n : 2, true);
      },
      false,
      true,
    );
    // item 0 and 1 ran in every job, the others once
    expect(Array.from(t.ran.subarray(0, 3))).toEqual([20, 20, 1]);
    expect(t.ran.subarray(2).every((c) => c === 1)).toBe(true);
    const helpers = new Set(Array.from(t.who).filter((id) => id !== threadId));
    expect(helpers.size).toBe(1);
    expect(t.helped[0]).toBeGreaterThan(0);
  });

  it('with a prepare step: runs its jobs here, unprepared, while no helper has come', () => {
    let prepared = 0;
    const t: TeamTask = { ctrl: shared(CONTROL_WORDS), ran: shared(4), who: shared(4), tasks: shared(1), helperFails: false, helped: shared(1) };
    // a helper is counted on but none serves: every job runs here, and the data a helper would need is never written
    const team = new Team(t.ctrl, runner(t), 1, undefined, false, () => prepared++);
    for (let r = 0; r < 3; r++) team.run(COUNT, 4, true);
    expect(prepared).toBe(0);
    expect(Array.from(t.ran)).toEqual([3, 3, 3, 3]);
    expect(t.who.every((id) => id === threadId)).toBe(true);
  });

  it('with a prepare step: prepares once, before the first job it shares with a helper that has come', async () => {
    expect(await pool.started()).toBe(true);
    const helpedWhenPrepared: number[] = [];
    // helpersMustJoin: the first shared job waits for the helper to come, then for it to claim an item
    const t = session(
      8,
      (team) => {
        for (let r = 0; r < 10; r++) team.run(COUNT, 8, true);
      },
      false,
      true,
      (task) => helpedWhenPrepared.push(task.helped[0]!),
    );
    expect(helpedWhenPrepared).toEqual([0]);
    expect(t.ran.every((c) => c === 10)).toBe(true);
    expect(t.helped[0]).toBeGreaterThan(0);
  });

  it('runs a job here, in order, when it is not shared', () => {
    const t = session(5, (team) => team.run(COUNT, 5, false));
    expect(Array.from(t.ran)).toEqual([1, 1, 1, 1, 1]);
    expect(t.who.every((id) => id === threadId)).toBe(true);
  });

  it('a posted task is run by the helper, or taken back unrun', async () => {
    expect(await pool.started()).toBe(true);
    let ran = 0, back = 0, awaited = 0;
    const t = session(1, (team) => {
      for (let k = 0; k < 200; k++) {
        team.post(1);
        // every fourth task: wait (up to 10 s, for a loaded machine) until the helper has taken it, so that collect
        // must report it run; the others are collected at once or after a short pause, and may be taken back
        if (k % 4 === 0) {
          for (const t0 = performance.now(); !team.taken() && performance.now() - t0 < 10_000; );
          if (team.taken()) awaited++;
          expect(team.collect()).toBe(true);
          ran++;
          continue;
        }
        if (k % 4 === 1) for (const t0 = performance.now(); performance.now() - t0 < 0.2; );
        if (team.collect()) ran++;
        else back++;
      }
    });
    expect(awaited).toBe(50);
    expect(ran + back).toBe(200);
    // the helper ran exactly the tasks reported run: none taken back ran, none reported run was lost
    expect(Atomics.load(t.tasks, 0)).toBe(ran);
  });

  it("a helper's failure ends the job with HelperFailed, and the pool reports the helper's error", async () => {
    expect(await pool.started()).toBe(true);
    let failed = false;
    expect(() =>
      session(
        1000,
        (team) => {
          for (let r = 0; r < 50; r++) {
            try {
              team.run(COUNT, 1000, true);
            } catch (e) {
              failed = e instanceof HelperFailed;
              throw e;
            }
          }
        },
        true,
      ),
    ).toThrow(/broke on a helper/);
    expect(failed).toBe(true);
  });
});

describe('a helper on the calling thread’s core', () => {
  const shared = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));
  /**
   * Posts a task and serves the team with 'leave' on this thread: the helper must take part (run the task once,
   * and the task stops the team, since serveTeam would otherwise spin on), not leave.
   */
  const expectTakesPart = (ctrl: Int32Array, team: Team): void => {
    let ran = 0;
    team.post(1);
    const outcome = serveTeam(ctrl, () => {
      ran++;
      team.stop();
    }, 'leave');
    expect(outcome).toBe('stopped');
    expect(ran).toBe(1);
    expect(team.collect()).toBe(true);
  };

  it('currentCore reads the processor field of /proc/thread-self/stat on Linux (−1 elsewhere)', () => {
    if (!existsSync('/proc/thread-self/stat')) return expect(currentCore()).toBe(-1);
    // the field read by splitting the whole line, as an independent parse; the thread may move between the two reads
    const bySplit = (): number => {
      const st = readFileSync('/proc/thread-self/stat', 'latin1');
      return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[36]);
    };
    let same = false;
    for (let k = 0; k < 5 && !same; k++) same = currentCore() === bySplit();
    expect(same).toBe(true);
    expect(currentCore()).toBeGreaterThanOrEqual(0);
    expect(currentCore()).toBeLessThan(availableParallelism() + 64);
  });

  it("with 'leave', leaves the fit without taking the work when it runs where the calling thread does", () => {
    if (currentCore() < 0) return; // not Linux: there is no core to compare (the helper always takes part)
    let ran = 0;
    const ctrl = shared(CONTROL_WORDS);
    // the Team notes its thread's core (watchCore); serving on the same thread is serving on the same core
    const team = new Team(ctrl, () => ran++, 1, undefined, true);
    team.post(1);
    let outcome = serveTeam(ctrl, () => ran++, 'leave');
    // the thread may have moved between the two looks (then the task ran): try again, a few times
    for (let k = 0; k < 5 && outcome !== 'left'; k++) {
      Atomics.store(ctrl, LEAD_CORE, currentCore());
      team.post(1);
      outcome = serveTeam(ctrl, () => ran++, 'leave');
    }
    expect(outcome).toBe('left');
    // the posted task is still there: the calling thread takes it back
    expect(team.collect()).toBe(false);
  });

  it('takes part, with helpersMustJoin, even where it runs on the calling thread’s core', () => {
    if (currentCore() < 0) return; // not Linux: the helper always takes part (the test above)
    const ctrl = shared(CONTROL_WORDS);
    const team = made(true, () => new Team(ctrl, () => {}, 1, undefined, true));
    // the same thread, so the same core as the one noted here (without helpersMustJoin it would leave: the test above)
    Atomics.store(ctrl, LEAD_CORE, currentCore());
    expectTakesPart(ctrl, team);
  });

  it('takes part where the calling thread’s core is unknown or another', () => {
    const ctrl = shared(CONTROL_WORDS);
    const team = new Team(ctrl, () => {}, 1, undefined, true);
    Atomics.store(ctrl, LEAD_CORE, -1);
    expectTakesPart(ctrl, team);
  });
});
