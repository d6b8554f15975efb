/**
 * The forced-GC rule of the conversion threads (src/runner/worker.ts): a GC is
 * forced only when the process's RSS grew by the allowed amount over the
 * lowest level seen since the last forced one.
 */
import { gcDecision, RSS_GROWTH_BYTES } from './worker';

const MB = 1024 * 1024;

describe('gcDecision', () => {
  it('takes the first reading (and the first after a forced GC) as the level, without collecting', () => {
    expect(gcDecision(500 * MB, undefined)).toEqual({ low: 500 * MB, collect: false });
  });

  it('does not collect while the RSS stays within the allowed growth', () => {
    expect(gcDecision(100 * MB + RSS_GROWTH_BYTES - 1, 100 * MB)).toEqual({ low: 100 * MB, collect: false });
  });

  it('collects once the RSS grew by the allowed amount, and then waits for a new reading', () => {
    expect(gcDecision(100 * MB + RSS_GROWTH_BYTES, 100 * MB)).toEqual({ low: undefined, collect: true });
  });

  it('follows the RSS down: growth counts from the lowest level seen', () => {
    let low: number | undefined = 300 * MB;
    low = gcDecision(200 * MB, low).low; // memory given back
    expect(low).toBe(200 * MB);
    expect(gcDecision(200 * MB + RSS_GROWTH_BYTES, low).collect).toBe(true);
    expect(gcDecision(300 * MB, low).collect).toBe(RSS_GROWTH_BYTES <= 100 * MB);
  });

  it('a sequence: level, growth, GC, new level from the next reading', () => {
    const readings = [120, 150, 170, 190, 200, 210, 215, 300].map((m) => m * MB);
    let low: number | undefined;
    const collected: number[] = [];
    for (const [i, rss] of readings.entries()) {
      const d = gcDecision(rss, low, 64 * MB);
      low = d.low;
      if (d.collect) collected.push(i);
    }
    // 120 is the level; 190 is 70 over it (GC); 200 is the new level; 300 is 100 over it (GC)
    expect(collected).toEqual([3, 7]);
  });
});
