/**
 * The simulated container: its filesystem (image files, atomic-writer volumes, hostPath mounts into the node root)
 * and the command set, worded as GNU coreutils, BusyBox or a runtime that cannot find the program.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {runInContainer, type CommandResult, type ContainerProcessContext} from '../../../../src/runtimes/sim/kubelet/api/commands.js'
import {ContainerFilesystem} from '../../../../src/runtimes/sim/kubelet/api/container-fs.js'
import {imageProfile, layImage} from '../../../../src/runtimes/sim/kubelet/api/container-image.js'
import {tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'

let root: TempNodeRoot

beforeAll(async () => {
  root = await tempNodeRoot(undefined, {'/etc/kubernetes/pki/ca.key': 'SECRET KEY\n', '/etc/kubernetes/pki/ca.crt': 'CERT\n'})
})
afterAll(async () => {
  await root?.remove()
})

function container(image: string, options: Partial<ContainerProcessContext> = {}): ContainerProcessContext {
  const profile = imageProfile(image)
  const fs = new ContainerFilesystem(root.node)
  const created = new Date('2026-11-27T06:04:19.557Z')
  layImage(fs, profile, created)
  fs.addFile('/etc/hostname', 'web-1\n', created)
  fs.addAtomicVolume('/var/run/secrets/kubernetes.io/serviceaccount', new Map([['token', 'eyJ.payload.sig'], ['namespace', 'default']]), created)
  fs.mountHostPath('/host-pki', '/etc/kubernetes/pki')
  return {fs, image: profile, env: [...profile.env, ['HOSTNAME', 'web-1'], ['DB_PASSWORD', 'hunter2']], hostname: 'web-1', workingDir: '/', uid: 0, gid: 0, ...options}
}

const run = (context: ContainerProcessContext, command: string): Promise<CommandResult> => runInContainer(command.split(' '), context)

/** The standard output of a command that must have started. */
async function stdout(context: ContainerProcessContext, command: string): Promise<string> {
  const result = await run(context, command)
  if (!result.started) throw new Error(`${command} did not start: ${result.error}`)
  return result.stdout
}

describe('a Debian-based container (nginx)', () => {
  const nginx = () => container('nginx:1.27')

  it('cats files through the volume\'s ..data link', async () => {
    expect(await run(nginx(), 'cat /var/run/secrets/kubernetes.io/serviceaccount/token')).toEqual({started: true, exitCode: 0, stdout: 'eyJ.payload.sig', stderr: ''})
  })

  it('words a missing file and a folder as GNU cat does', async () => {
    expect(await run(nginx(), 'cat /nope')).toMatchObject({exitCode: 1, stderr: 'cat: /nope: No such file or directory\n'})
    expect(await run(nginx(), 'cat /etc')).toMatchObject({exitCode: 1, stderr: 'cat: /etc: Is a directory\n'})
  })

  it('lists folders, hiding dot-entries unless -a', async () => {
    expect((await stdout(nginx(), 'ls /var/run/secrets/kubernetes.io/serviceaccount')).split('\n').filter(Boolean)).toEqual(['namespace', 'token'])
    const all = (await stdout(nginx(), 'ls -a /var/run/secrets/kubernetes.io/serviceaccount')).split('\n').filter(Boolean)
    expect(all).toEqual(['.', '..', '..2026_11_27_06_04_19.557123456', '..data', 'namespace', 'token'])
    const long = (await stdout(nginx(), 'ls -l /var/run/secrets/kubernetes.io/serviceaccount'))
    expect(long).toContain('lrwxrwxrwx 1 root root    12 Nov 27 06:04 token -> ..data/token')
    expect(await run(nginx(), 'ls /nope')).toMatchObject({exitCode: 2, stderr: "ls: cannot access '/nope': No such file or directory\n"})
    expect(await run(nginx(), 'ls -z')).toMatchObject({exitCode: 2, stderr: "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n"})
  })

  it('reads the node\'s files through a hostPath mount', async () => {
    expect(await run(nginx(), 'cat /host-pki/ca.key')).toMatchObject({exitCode: 0, stdout: 'SECRET KEY\n'})
    expect((await stdout(nginx(), 'ls /host-pki'))).toBe('ca.crt\nca.key\n')
  })

  it('shows the environment, identity and host name', async () => {
    expect((await stdout(nginx(), 'env'))).toContain('DB_PASSWORD=hunter2\n')
    expect(await run(nginx(), 'id')).toMatchObject({stdout: 'uid=0(root) gid=0(root) groups=0(root)\n'})
    expect(await run(nginx(), 'whoami')).toMatchObject({stdout: 'root\n'})
    expect(await run(nginx(), 'hostname')).toMatchObject({stdout: 'web-1\n'})
    expect(await run(nginx(), 'pwd')).toMatchObject({stdout: '/\n'})
    expect(await run(nginx(), 'cat /etc/os-release')).toMatchObject({stdout: expect.stringContaining('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"')})
  })

  it('runs as the securityContext\'s user', async () => {
    const nobody = container('nginx:1.27', {uid: 1000, gid: 1000})
    expect(await run(nobody, 'id')).toMatchObject({stdout: 'uid=1000 gid=1000 groups=1000\n'})
    expect(await run(nobody, 'whoami')).toMatchObject({exitCode: 1, stderr: 'whoami: cannot find name for user ID 1000\n'})
  })

  it('resolves programs through PATH and absolute paths (/bin links to usr/bin)', async () => {
    expect(await run(nginx(), '/bin/cat /etc/hostname')).toMatchObject({exitCode: 0, stdout: 'web-1\n'})
    expect(await run(nginx(), '/usr/bin/nope')).toMatchObject({started: false, error: expect.stringContaining('exec: "/usr/bin/nope": stat /usr/bin/nope: no such file or directory: unknown')})
    expect(await run(nginx(), 'curl http://10.96.0.1')).toMatchObject({started: false, error: expect.stringContaining('exec: "curl": executable file not found in $PATH: unknown')})
  })
})

describe('an Alpine-based container (ingress-nginx)', () => {
  const alpine = () => container('registry.k8s.io/ingress-nginx/controller:v1.9.4')

  it('words errors as BusyBox does', async () => {
    expect(await run(alpine(), 'cat /nope')).toMatchObject({exitCode: 1, stderr: "cat: can't open '/nope': No such file or directory\n"})
    expect(await run(alpine(), 'ls /nope')).toMatchObject({exitCode: 1, stderr: 'ls: /nope: No such file or directory\n'})
    expect((await stdout(alpine(), 'id'))).toBe('uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)\n')
  })
})

describe('a distroless control-plane container', () => {
  it('has no cat: the runtime cannot find it', async () => {
    const apiserver = container('registry.k8s.io/kube-apiserver:v1.34.1')
    const result = await run(apiserver, 'cat /etc/kubernetes/pki/ca.key')
    expect(result.started).toBe(false)
    if (!result.started) {
      expect(result.error).toMatch(/^rpc error: code = Unknown desc = failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "cat": executable file not found in \$PATH: unknown$/)
    }
  })

  it('has its own binary, which the sim says it does not run', async () => {
    const etcd = container('registry.k8s.io/etcd:3.6.4-0')
    expect(await run(etcd, 'etcdctl get / --prefix')).toMatchObject({started: false, error: expect.stringContaining('kubelab sim: /usr/local/bin/etcdctl exists in this image')})
  })
})
