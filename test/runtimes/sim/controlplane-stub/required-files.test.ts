import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {MissingFileError, checkRequiredFiles} from '../../../../src/runtimes/sim/controlplane-stub/required-files.js'

let root: string
const show = (file: string): string => file.replace(root, '')

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kubelab-stub-files-'))
  await writeFile(path.join(root, 'scheduler.conf'), '')
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

async function failure(component: 'kube-scheduler' | 'kube-controller-manager', flags: Record<string, string>): Promise<MissingFileError> {
  try {
    await checkRequiredFiles(component, new Map(Object.entries(flags)), show)
  } catch (error) {
    if (error instanceof MissingFileError) return error
    throw error
  }
  throw new Error('every file was found')
}

describe('the files a control-plane component opens at start', () => {
  it('passes when every named file exists', async () => {
    const conf = path.join(root, 'scheduler.conf')
    await expect(checkRequiredFiles('kube-scheduler', new Map([['kubeconfig', conf], ['authentication-kubeconfig', conf]]), show)).resolves.toBeUndefined()
  })

  it('fails on the first missing one in the real order, with the real message and the node path', async () => {
    const error = await failure('kube-scheduler', {
      kubeconfig: path.join(root, 'missing-kubeconfig.conf'),
      'authentication-kubeconfig': path.join(root, 'scheduler.config'),
    })
    expect(error.flag).toBe('authentication-kubeconfig')
    expect(error.message).toBe(
      'failed to get delegated authentication kubeconfig: failed to get delegated authentication kubeconfig: stat /scheduler.config: no such file or directory',
    )
  })

  it('checks the controller manager\'s signing and service-account keys too', async () => {
    const conf = path.join(root, 'scheduler.conf')
    const error = await failure('kube-controller-manager', {kubeconfig: conf, 'service-account-private-key-file': path.join(root, 'sa.key')})
    expect(error.message).toBe('error reading key for service account token controller: open /sa.key: no such file or directory')
    await expect(checkRequiredFiles('kube-scheduler', new Map([['service-account-private-key-file', path.join(root, 'sa.key')]]), show)).resolves.toBeUndefined()
  })
})
