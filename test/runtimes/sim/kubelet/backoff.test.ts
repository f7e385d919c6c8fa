import {describe, expect, it} from '@jest/globals'
import {CrashBackoff} from '../../../../src/runtimes/sim/kubelet/backoff.js'

describe('the crash-loop back-off', () => {
  it('starts at 250 ms and doubles up to 5 s', () => {
    const backoff = new CrashBackoff()
    expect(Array.from({length: 7}, () => backoff.next(100))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000])
  })

  it('starts over after a container ran for 10 s, as the kubelet does', () => {
    const backoff = new CrashBackoff()
    backoff.next(0)
    backoff.next(0)
    expect(backoff.next(9_999)).toBe(1000)
    expect(backoff.next(10_000)).toBe(250)
    expect(backoff.next(0)).toBe(500)
  })
})
