/**
 * Preloaded into processes the benchmark times (`node -r rss-hook.js ...`):
 * on exit, writes the process's peak resident set size (KiB; worker threads
 * included, they share the process) and its CPU time (user + system,
 * microseconds, all threads), then its system CPU time alone, to the file
 * named by ASCENDIFY_BENCH_RSS.
 */
import * as fs from 'node:fs';

const target = process.env.ASCENDIFY_BENCH_RSS;
if (target) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(target, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime} ${u.systemCPUTime}`);
  });
}
