import {afterEach, beforeEach, describe, expect, it} from '@jest/globals'
import {mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {FileExistsError, InvalidNodePathError} from '../../src/pki/errors.js'
import {certificateFile, type NodeFiles, privateFile} from '../../src/pki/node-files.js'
import {hostPathFor, writeFiles} from '../../src/pki/write.js'

const mode = async (file: string): Promise<string> => ((await stat(file)).mode & 0o7777).toString(8)

describe('writeFiles', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'kubelab-pki-write-'))
  })
  afterEach(async () => {
    await rm(root, {recursive: true, force: true})
  })

  const files = (): NodeFiles =>
    new Map([
      ['/etc/kubernetes/pki/ca.crt', certificateFile('CA CERT\n')],
      ['/etc/kubernetes/pki/ca.key', privateFile('CA KEY\n')],
      ['/etc/kubernetes/pki/etcd/ca.key', privateFile('ETCD KEY\n')],
      ['/var/lib/kubelet/pki/kubelet.crt', certificateFile('KUBELET CERT\n')],
    ])

  it('lays node paths under the root, creating folders, keys 0600 and certificates 0644', async () => {
    const written = await writeFiles(root, files())
    expect(written).toEqual([
      path.join(root, 'etc/kubernetes/pki/ca.crt'),
      path.join(root, 'etc/kubernetes/pki/ca.key'),
      path.join(root, 'etc/kubernetes/pki/etcd/ca.key'),
      path.join(root, 'var/lib/kubelet/pki/kubelet.crt'),
    ])
    expect(await readFile(path.join(root, 'etc/kubernetes/pki/etcd/ca.key'), 'utf8')).toBe('ETCD KEY\n')
    expect(await mode(path.join(root, 'etc/kubernetes/pki/ca.key'))).toBe('600')
    expect(await mode(path.join(root, 'etc/kubernetes/pki/etcd/ca.key'))).toBe('600')
    expect(await mode(path.join(root, 'etc/kubernetes/pki/ca.crt'))).toBe('644')
    expect(await mode(path.join(root, 'var/lib/kubelet/pki/kubelet.crt'))).toBe('644')
    expect(await mode(path.join(root, 'etc/kubernetes/pki/etcd'))).toBe('755')
  })

  it('refuses to replace an existing file and then writes nothing at all', async () => {
    await mkdir(path.join(root, 'etc/kubernetes/pki/etcd'), {recursive: true})
    await writeFile(path.join(root, 'etc/kubernetes/pki/etcd/ca.key'), 'LEARNER KEY\n', {mode: 0o644})
    const attempt = writeFiles(root, files())
    await expect(attempt).rejects.toThrow(FileExistsError)
    await expect(attempt).rejects.toMatchObject({nodePath: '/etc/kubernetes/pki/etcd/ca.key'})
    await expect(attempt).rejects.toThrow(/overwrite: true/)
    expect(await readFile(path.join(root, 'etc/kubernetes/pki/etcd/ca.key'), 'utf8')).toBe('LEARNER KEY\n')
    expect((await readdir(path.join(root, 'etc/kubernetes/pki'))).sort()).toEqual(['etcd'])
    expect(await readdir(root)).toEqual(['etc'])
  })

  it('replaces files and sets their modes when told to overwrite', async () => {
    await mkdir(path.join(root, 'etc/kubernetes/pki'), {recursive: true})
    await writeFile(path.join(root, 'etc/kubernetes/pki/ca.key'), 'OLD\n', {mode: 0o666})
    await writeFiles(root, files(), {overwrite: true})
    expect(await readFile(path.join(root, 'etc/kubernetes/pki/ca.key'), 'utf8')).toBe('CA KEY\n')
    expect(await mode(path.join(root, 'etc/kubernetes/pki/ca.key'))).toBe('600')
  })

  it('keeps node paths inside the root and refuses relative ones', async () => {
    expect(hostPathFor(root, '/../../etc/passwd')).toBe(path.join(root, 'etc/passwd'))
    expect(hostPathFor(root, '/etc/kubernetes/../kubernetes/pki/ca.crt')).toBe(path.join(root, 'etc/kubernetes/pki/ca.crt'))
    await expect(writeFiles(root, new Map([['etc/kubernetes/pki/ca.crt', certificateFile('x')]]))).rejects.toThrow(InvalidNodePathError)
    expect(await readdir(root)).toEqual([])
  })
})
