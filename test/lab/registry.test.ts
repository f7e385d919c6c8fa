import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from '@jest/globals'
import {AmbiguousLabError, InvalidLabNameError, LabRecordError, NoLabError, UnknownLabError} from '../../src/lab/errors.js'
import {checkLabName, kubelabHome, labDirFor} from '../../src/lab/home.js'
import {readLabRecord, writeLabRecord, type LabRecord} from '../../src/lab/record.js'
import {listLabs, resolveLab, resolveLabName} from '../../src/lab/registry.js'

let home: string

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-registry-'))
})

afterEach(async () => {
  await rm(home, {recursive: true, force: true})
})

function record(name: string): LabRecord {
  return {
    name,
    scenario: 'all-open',
    runtime: 'sim',
    kubernetesVersion: '1.19.16',
    ports: {apiserverSecure: 6443, etcdClient: 2379, etcdPeer: 2380, etcdMetrics: 2381, kubelet: 10250, controllerManagerSecure: 10257, schedulerSecure: 10259},
    createdAt: '2026-11-27T06:00:00.000Z',
    state: 'ready',
    kubeconfig: `/labs/${name}/node/etc/kubernetes/admin.conf`,
  }
}

async function makeLab(name: string): Promise<void> {
  await mkdir(labDirFor(home, name), {recursive: true})
  await writeLabRecord(labDirFor(home, name), record(name))
}

describe('kubelabHome', () => {
  it('is $KUBELAB_HOME, else $XDG_STATE_HOME/kubelab, else ~/.local/state/kubelab', () => {
    expect(kubelabHome({KUBELAB_HOME: '/srv/kl', XDG_STATE_HOME: '/state', HOME: '/home/a'})).toBe('/srv/kl')
    expect(kubelabHome({XDG_STATE_HOME: '/state', HOME: '/home/a'})).toBe('/state/kubelab')
    expect(kubelabHome({HOME: '/home/a'})).toBe('/home/a/.local/state/kubelab')
  })
})

describe('lab names', () => {
  it('accepts DNS labels short enough for "<name>-control-plane"', () => {
    expect(() => checkLabName('all-open')).not.toThrow()
    expect(() => checkLabName('a'.repeat(49))).not.toThrow()
    expect(() => checkLabName('a'.repeat(50))).toThrow(InvalidLabNameError)
    expect(() => checkLabName('All_Open')).toThrow(/lower-case letters, digits and "-"/)
    expect(() => checkLabName('-lab')).toThrow(InvalidLabNameError)
    expect(() => checkLabName('../etc')).toThrow(InvalidLabNameError)
  })
})

describe('lab.json', () => {
  it('round-trips and is refused, with its path, when broken', async () => {
    await makeLab('one')
    expect(await readLabRecord(labDirFor(home, 'one'))).toEqual(record('one'))
    await writeFile(path.join(labDirFor(home, 'one'), 'lab.json'), '{"name": "one"}')
    await expect(readLabRecord(labDirFor(home, 'one'))).rejects.toThrow(LabRecordError)
    await expect(readLabRecord(labDirFor(home, 'one'))).rejects.toThrow(/lab\.json: scenario/)
  })

  it('lists a lab whose record is broken, with the problem', async () => {
    await makeLab('good')
    await mkdir(labDirFor(home, 'broken'), {recursive: true})
    const labs = await listLabs(home)
    expect(labs.map((lab) => [lab.name, lab.record !== undefined, lab.problem?.name])).toEqual([
      ['broken', false, 'LabRecordError'],
      ['good', true, undefined],
    ])
  })
})

describe('which lab a command acts on', () => {
  it('refuses when there is no lab, and says how to make one', async () => {
    await expect(resolveLabName(undefined, home, {})).rejects.toThrow(NoLabError)
    await expect(resolveLabName(undefined, home, {})).rejects.toThrow(/kubelab up/)
  })

  it('takes the only lab when none is named', async () => {
    await makeLab('only')
    expect(await resolveLabName(undefined, home, {})).toBe('only')
    expect((await resolveLab(undefined, home, {})).record.name).toBe('only')
  })

  it('lists the labs when several exist and none is named', async () => {
    await makeLab('first')
    await makeLab('second')
    await expect(resolveLabName(undefined, home, {})).rejects.toThrow(AmbiguousLabError)
    await expect(resolveLabName(undefined, home, {})).rejects.toThrow(/2 labs exist \(first, second\).*KUBELAB_LAB/)
  })

  it('follows KUBELAB_LAB, and a name given beats it', async () => {
    await makeLab('first')
    await makeLab('second')
    expect(await resolveLabName(undefined, home, {KUBELAB_LAB: 'second'})).toBe('second')
    expect(await resolveLabName('first', home, {KUBELAB_LAB: 'second'})).toBe('first')
  })

  it('names the labs that exist when asked for one that does not', async () => {
    await makeLab('first')
    await expect(resolveLabName('frist', home, {})).rejects.toThrow(UnknownLabError)
    await expect(resolveLabName('frist', home, {})).rejects.toThrow(/no lab named "frist"; labs: first/)
    await expect(resolveLabName(undefined, home, {KUBELAB_LAB: 'gone'})).rejects.toThrow(/no lab named "gone"/)
  })
})
