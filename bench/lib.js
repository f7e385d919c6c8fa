// Shared by the bench scripts: time commands side by side in one run and print ratios.
import {spawnSync} from 'node:child_process'

/** Median wall time in ms of running `command args` `runs` times (after one warm-up). */
export function medianRunMs(command, args, runs = 15, options = {}) {
  spawnSync(command, args, {stdio: 'ignore', ...options})
  const times = []
  for (let index = 0; index < runs; index += 1) {
    const started = process.hrtime.bigint()
    const result = spawnSync(command, args, {stdio: 'ignore', ...options})
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`)
  }
  return median(times)
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Prints one result line and returns whether it met its target. */
export function report(name, ratio, limit, detail) {
  const ok = ratio <= limit
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${ratio.toFixed(2)}x (target <= ${limit}x) — ${detail}`)
  return ok
}
