import {appendFile, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterEach, beforeEach, describe, expect, it} from '@jest/globals'
import {checkComponent, followLog, NoLogError, readLog} from '../../src/lab/logs.js'
import {UnknownComponentError} from '../../src/lab/errors.js'

let folder: string

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'kubelab-logs-'))
})

afterEach(async () => {
  await rm(folder, {recursive: true, force: true})
})

describe('readLog', () => {
  it('gives the whole log or its last lines, and says when there is none yet', async () => {
    const file = path.join(folder, 'etcd.log')
    await writeFile(file, 'one\ntwo\nthree\n')
    expect(await readLog(file, 'etcd')).toBe('one\ntwo\nthree\n')
    expect(await readLog(file, 'etcd', 2)).toBe('two\nthree\n')
    expect(await readLog(file, 'etcd', 0)).toBe('')
    await expect(readLog(path.join(folder, 'kube-apiserver.log'), 'kube-apiserver')).rejects.toThrow(NoLogError)
  })
})

describe('followLog', () => {
  it('prints what is appended after the start, survives truncation, and stops when aborted', async () => {
    const file = path.join(folder, 'kubelet.log')
    await writeFile(file, 'before\n')
    const seen: string[] = []
    const controller = new AbortController()
    const following = followLog(file, Buffer.byteLength('before\n'), (chunk) => seen.push(chunk), controller.signal, 20)
    await appendFile(file, 'first é\n')
    await sleep(120)
    await writeFile(file, 'rotated\n')
    await sleep(120)
    controller.abort()
    await following
    expect(seen.join('')).toBe('first é\nrotated\n')
  })
})

describe('checkComponent', () => {
  it('knows the four static pods and the kubelet', () => {
    expect(checkComponent('kube-apiserver')).toBe('kube-apiserver')
    expect(() => checkComponent('kube-proxy')).toThrow(UnknownComponentError)
  })
})
