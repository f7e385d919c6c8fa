import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {RuntimeUnavailableError} from '../../src/lab/errors.js'
import {resolveRuntime} from '../../src/lab/runtime-choice.js'

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
    await expect(resolveRuntime('kind', {env: {PATH: empty}})).rejects.toThrow(/needs Docker and kind: no `kind` executable on PATH/)
  })

  it('says the kind runtime comes later when kind would be chosen', async () => {
    await expect(resolveRuntime('kind', {env: {PATH: tools}})).rejects.toThrow(/the kind runtime is not part of this kubelab yet.*Use --runtime sim/)
    await expect(resolveRuntime('auto', {env: {PATH: tools}})).rejects.toThrow(/--runtime auto picked it because Docker and kind are installed/)
  })
})
