import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {RuntimeUnavailableError} from '../../src/lab/errors.js'
import {chooseRuntime, resolveRuntime} from '../../src/lab/runtime-choice.js'

/*
 * PATH is a temp folder in each case. Where Docker "works", `docker` is a script that exits 0 the way
 * `docker info` does with a running daemon; `kind` only has to exist, as kubelab only looks it up.
 */
let empty: string
let tools: string

beforeAll(async () => {
  empty = await mkdtemp(path.join(os.tmpdir(), 'kubelab-no-tools-'))
  tools = await mkdtemp(path.join(os.tmpdir(), 'kubelab-tools-'))
  for (const [name, body] of [
    ['docker', '#!/bin/sh\n[ "$1" = info ] && exit 0\nexit 1\n'],
    ['kind', '#!/bin/sh\nexit 0\n'],
  ] as const) {
    await writeFile(path.join(tools, name), body)
    await chmod(path.join(tools, name), 0o755)
  }
})

afterAll(async () => {
  await rm(empty, {recursive: true, force: true})
  await rm(tools, {recursive: true, force: true})
})

describe('resolveRuntime', () => {
  it('auto picks sim when kind or Docker is missing', async () => {
    expect(await resolveRuntime('auto', {env: {PATH: empty}})).toBe('sim')
    expect(await resolveRuntime('sim', {env: {PATH: tools}})).toBe('sim')
  })

  it('explains what --runtime kind needs when it is missing', async () => {
    await expect(resolveRuntime('kind', {env: {PATH: empty}})).rejects.toThrow(RuntimeUnavailableError)
    await expect(resolveRuntime('kind', {env: {PATH: empty}})).rejects.toThrow(/needs Docker and kind: no `docker` and no `kind` executable on PATH/)
  })

  it('--runtime kind without kind names the install command and link', async () => {
    await expect(resolveRuntime('kind', {env: {PATH: empty}})).rejects.toThrow(/Fix: .*apt-get install docker\.io[\s\S]*go install sigs\.k8s\.io\/kind@v0\.30\.0.*https:\/\/kind\.sigs\.k8s\.io/)
  })

  it('takes kind when Docker answers and kind is installed, and says why', async () => {
    expect(await resolveRuntime('kind', {env: {PATH: tools}})).toBe('kind')
    expect(await chooseRuntime('auto', {env: {PATH: tools}})).toEqual({runtime: 'kind', reason: `--runtime auto: kind (kind at ${path.join(tools, 'kind')}, Docker answers)`})
  })

  it('--runtime auto falls back to sim and says so', async () => {
    expect(await chooseRuntime('auto', {env: {PATH: empty}})).toEqual({
      runtime: 'sim',
      reason: '--runtime auto: sim, because kind cannot run here (no `docker` and no `kind` executable on PATH); `kubelab doctor --runtime kind` shows what to install',
    })
  })
})
