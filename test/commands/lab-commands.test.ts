import {chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import {execa} from 'execa'
import Down from '../../src/commands/down.js'
import Edit from '../../src/commands/edit.js'
import Env from '../../src/commands/env.js'
import Logs from '../../src/commands/logs.js'
import NodeExec from '../../src/commands/node/exec.js'
import Restart from '../../src/commands/restart.js'
import Status from '../../src/commands/status.js'
import Up from '../../src/commands/up.js'
import type {LabStatusView} from '../../src/lab/status.js'
import {tempLabHome, type TestLabHome} from '../support/lab-home.js'
import {runInProcess} from './run-in-process.js'

/*
 * The lab commands from their sources, in-process, against one real lab in a temp KUBELAB_HOME.
 * KUBELAB_SIM_DIR points the sources at a compiled sim kubelet; --random-ports keeps the real ports free.
 */
let labHome: TestLabHome | undefined
let home: string
let scratch: string

/** Until afterAll. */
function setEnv(name: string, value: string | undefined): void {
  if (!labHome) throw new Error('the lab home is not set up')
  labHome.setEnv(name, value)
}

beforeAll(async () => {
  labHome = await tempLabHome('kubelab-cmd-home-')
  home = labHome.home
  scratch = await mkdtemp(path.join(os.tmpdir(), 'kubelab-cmd-scratch-'))
}, 300_000)

afterAll(async () => {
  await labHome?.close()
  if (scratch) await rm(scratch, {recursive: true, force: true})
}, 60_000)

describe('kubelab up', () => {
  it('starts the lab and prints what runs where, the kubeconfig and the next steps', async () => {
    const run = await runInProcess(Up, ['all-open', '--name', 'cmd-lab', '--random-ports', '--runtime', 'sim'])
    expect(run.errorMessage).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Lab cmd-lab is ready in \d+\.\d s: scenario all-open \(Every door open\), Kubernetes 1\.19\.16, sim runtime\./)
    for (const component of ['kube-apiserver', 'etcd', 'kubelet', 'kube-controller-manager', 'kube-scheduler']) expect(run.stdout).toContain(`  ${component} `)
    expect(run.stdout).toContain(`Kubeconfig  ${path.join(home, 'labs/cmd-lab/node/etc/kubernetes/admin.conf')}`)
    expect(run.stdout).toContain('eval "$(kubelab env cmd-lab)"')
    expect(run.stdout).toContain('kubelab audit --lab cmd-lab')
    expect(run.stderr).toContain('started the sim kubelet')
  }, 120_000)

  it('refuses a lab that exists, naming `kubelab down`', async () => {
    const run = await runInProcess(Up, ['all-open', '--name', 'cmd-lab', '--random-ports'])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toBe('Error: a lab named "cmd-lab" exists already. Remove it with `kubelab down cmd-lab`, or start another with --name.')
  })

  it('refuses an unknown scenario with exit 2, listing the known ones', async () => {
    const run = await runInProcess(Up, ['all-opn', '--random-ports'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/^Error: no scenario "all-opn" in .*did you mean "all-open"\?.*known scenarios: all-open, /)
  })

  describe('without etcd or kind', () => {
    let emptyPath: string
    beforeEach(async () => {
      emptyPath = path.join(scratch, 'empty-bin')
      await mkdir(emptyPath, {recursive: true})
      setEnv('PATH_BEFORE_TEST', process.env['PATH'])
      process.env['PATH'] = emptyPath
    })
    afterEach(() => {
      process.env['PATH'] = process.env['PATH_BEFORE_TEST']
      delete process.env['PATH_BEFORE_TEST']
    })

    it('says how to install etcd, before writing anything', async () => {
      const run = await runInProcess(Up, ['etcd-plaintext', '--runtime', 'sim', '--random-ports'])
      expect(run.exitCode).toBe(1)
      expect(run.stderr).toContain('etcd is not installed')
      expect(run.stderr).toContain('`apt-get install etcd-server`')
      await expect(stat(path.join(home, 'labs/etcd-plaintext'))).rejects.toThrow(/ENOENT/)
    })

    it('explains that --runtime kind needs Docker and kind', async () => {
      const run = await runInProcess(Up, ['etcd-plaintext', '--runtime', 'kind'])
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toMatch(/^Error: the kind runtime needs Docker and kind: no `docker` and no `kind` executable on PATH/)
    })
  })
})

describe('kubelab status', () => {
  it('prints each component with pid, restarts and ports, and JSON with --json', async () => {
    const text = await runInProcess(Status, ['cmd-lab'])
    expect(text.exitCode).toBe(0)
    expect(text.stdout).toMatch(/^cmd-lab {2}ready {2}\(scenario all-open "Every door open", Kubernetes 1\.19\.16, sim runtime\)/)
    expect(text.stdout).toMatch(/COMPONENT +STATE +PID +RESTARTS +LAST EXIT +LISTENING/)
    expect(text.stdout).toMatch(/\n {2}etcd +running +\d+ +0 /)

    const json = await runInProcess(Status, ['cmd-lab', '--json'])
    const view = JSON.parse(json.stdout) as LabStatusView
    expect(view.record?.ports.apiserverSecure).toBeDefined()
    const apiserver = view.node.components.find((component) => component.name === 'kube-apiserver')
    expect(apiserver?.listening).toContain(view.record?.ports.apiserverSecure)
  })

  it('lists every lab without a name, and refuses an unknown one with exit 2', async () => {
    expect((await runInProcess(Status, [])).stdout).toContain('cmd-lab  ready')
    const unknown = await runInProcess(Status, ['nope'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toBe('Error: no lab named "nope"; labs: cmd-lab.')
  })
})

describe('kubelab env', () => {
  it('prints exports that bash evaluates (the only lab is the default)', async () => {
    const run = await runInProcess(Env, [])
    expect(run.exitCode).toBe(0)
    const result = await execa('bash', ['-c', `${run.stdout}\nprintf '%s\\n' "$KUBELAB_LAB" "$KUBECONFIG" "$ETCDCTL_ENDPOINTS"`])
    const [lab, kubeconfig, etcd] = result.stdout.split('\n')
    expect(lab).toBe('cmd-lab')
    expect(kubeconfig).toBe(path.join(home, 'labs/cmd-lab/node/etc/kubernetes/admin.conf'))
    expect(etcd).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })
})

describe('kubelab logs', () => {
  it('prints the last lines of a component log, and refuses an unknown component', async () => {
    const run = await runInProcess(Logs, ['etcd', '--tail', '3'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout.split('\n')).toHaveLength(3)
    const unknown = await runInProcess(Logs, ['kube-proxy'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toBe('Error: unknown component "kube-proxy"; one of: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet.')
  })
})

describe('kubelab edit', () => {
  it('refuses YAML that does not parse, with file:line and where the edit is kept', async () => {
    const editor = path.join(scratch, 'bad-editor.sh')
    await writeFile(editor, `#!/bin/sh\nprintf 'apiVersion: v1\\nkind: Pod\\nspec:\\n  containers:\\n  - name: [\\n' > "$1"\n`)
    await chmod(editor, 0o755)
    setEnv('VISUAL', undefined)
    setEnv('EDITOR', editor)
    const run = await runInProcess(Edit, ['kube-apiserver'])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toMatch(/^Error: \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml:\d+: /)
    const kept = /Your edit is kept in (\/\S+kube-apiserver\.yaml) \(line \d+\)/.exec(run.stderr)?.[1]
    expect(kept).toBeDefined()
    expect(await readFile(kept ?? '', 'utf8')).toContain('- name: [')
    await rm(path.dirname(kept ?? ''), {recursive: true, force: true})
  })

  it('reminds that the kubelet reads its config only at start', async () => {
    const editor = path.join(scratch, 'kubelet-editor.sh')
    await writeFile(editor, `#!/bin/sh\nsed -i 's/^syncFrequency: .*/syncFrequency: 1m0s/' "$1"\n`)
    await chmod(editor, 0o755)
    setEnv('EDITOR', editor)
    const run = await runInProcess(Edit, ['kubelet'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Wrote /var/lib/kubelet/config.yaml')
    expect(run.stdout).toContain('run `kubelab restart kubelet` to apply it')
  })
})

describe('kubelab node exec', () => {
  it('runs the command after -- with node paths translated, and passes its exit status through', async () => {
    const copy = path.join(scratch, 'etcd-copy.yaml')
    const run = await runInProcess(NodeExec, ['--', 'cp', '/etc/kubernetes/manifests/etcd.yaml', copy])
    expect(run.exitCode).toBe(0)
    expect(await readFile(copy, 'utf8')).toBe(await readFile(path.join(home, 'labs/cmd-lab/node/etc/kubernetes/manifests/etcd.yaml'), 'utf8'))
    expect((await runInProcess(NodeExec, ['--', 'sh', '-c', 'exit 3'])).exitCode).toBe(3)
    const untranslated = await runInProcess(NodeExec, ['--no-translate', '--', 'test', '-f', '/etc/kubernetes/manifests/etcd.yaml'])
    expect(untranslated.exitCode).toBe(1)
  })

  it('passes every word after the first -- to the command, dashes included', async () => {
    const matches = path.join(scratch, 'grep-out.txt')
    const pattern = await runInProcess(NodeExec, ['--', 'sh', '-c', `grep -c -e --listen-client-urls -- "$1" > ${matches}`, 'sh', '/etc/kubernetes/manifests/etcd.yaml'])
    expect(pattern.exitCode).toBe(0)
    expect((await readFile(matches, 'utf8')).trim()).toBe('1')
    const found = await runInProcess(NodeExec, ['--', 'grep', '-q', '-e', '--data-dir', '--', '/etc/kubernetes/manifests/etcd.yaml'])
    expect(found.exitCode).toBe(0)
    const absent = await runInProcess(NodeExec, ['--', 'grep', '-q', '-e', '--no-such-flag', '--', '/etc/kubernetes/manifests/etcd.yaml'])
    expect(absent.exitCode).toBe(1)
  })
})

describe('kubelab restart', () => {
  it('restarts a static pod and says which process replaced which', async () => {
    const run = await runInProcess(Restart, ['kube-scheduler'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Restarted kube-scheduler in lab cmd-lab: pid \d+ stopped, now pid \d+\.$/)
  })
})

describe('kubelab down', () => {
  it('removes the lab; the lab is then unknown', async () => {
    const run = await runInProcess(Down, ['cmd-lab'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe(`Stopped lab cmd-lab and removed ${path.join(home, 'labs/cmd-lab')}.`)
    expect((await runInProcess(Status, ['cmd-lab'])).exitCode).toBe(2)
    expect((await runInProcess(Down, [])).stderr).toBe('Error: there is no lab: start one with `kubelab up [SCENARIO]`.')
  })
})
