/**
 * What an image brings into a simulated container: which shell tools exist and how they word their errors.
 * Control-plane images (kube-apiserver, etcd, … from registry.k8s.io) are distroless — no cat, no ls, no shell —
 * which is why `kubectl exec kube-apiserver -- cat …` fails on a real cluster too. Alpine-based images (the
 * ingress-nginx controller, busybox) get BusyBox's wording; everything else gets Debian's GNU coreutils, as the
 * official nginx image has.
 */
import type {ContainerFilesystem} from './container-fs.js'

export type ImageFlavour = 'debian' | 'busybox' | 'distroless'

export interface ImageProfile {
  flavour: ImageFlavour
  /** Programs in the image, by absolute path. */
  programs: readonly string[]
  /** The image's own environment (docker's ENV), before the kubelet's. */
  env: ReadonlyArray<[string, string]>
  osRelease: string
  /** /etc/passwd: uid → name. */
  users: ReadonlyMap<number, string>
  /** /etc/group: gid → name. */
  groups: ReadonlyMap<number, string>
}

/** The tools `POST /run` can run in the sim, each as the image ships it. */
export const SHELL_TOOLS = ['cat', 'ls', 'env', 'id', 'hostname', 'whoami', 'pwd', 'echo'] as const

const DISTROLESS_COMPONENTS: ReadonlyArray<[RegExp, string[]]> = [
  [/(^|\/)kube-apiserver:/, ['/usr/local/bin/kube-apiserver']],
  [/(^|\/)kube-controller-manager:/, ['/usr/local/bin/kube-controller-manager']],
  [/(^|\/)kube-scheduler:/, ['/usr/local/bin/kube-scheduler']],
  [/(^|\/)kube-proxy:/, ['/usr/local/bin/kube-proxy']],
  [/(^|\/)etcd:/, ['/usr/local/bin/etcd', '/usr/local/bin/etcdctl', '/usr/local/bin/etcdutl']],
  [/(^|\/)coredns:/, ['/coredns']],
  [/(^|\/)pause:/, ['/pause']],
  [/(^|\/)distroless\//, []],
]

const DEBIAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
const BUSYBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export function imageProfile(image: string): ImageProfile {
  const distroless = DISTROLESS_COMPONENTS.find(([pattern]) => pattern.test(image))
  if (distroless) {
    return {
      flavour: 'distroless',
      programs: distroless[1],
      env: [['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']],
      osRelease: 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n',
      users: new Map([[0, 'root'], [65532, 'nonroot']]),
      groups: new Map([[0, 'root'], [65532, 'nonroot']]),
    }
  }
  if (/alpine|busybox|ingress-nginx/.test(image)) {
    return {
      flavour: 'busybox',
      programs: SHELL_TOOLS.map((tool) => `/bin/${tool}`),
      env: [['PATH', BUSYBOX_PATH]],
      osRelease: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME="Alpine Linux v3.18"\nHOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
      users: new Map([[0, 'root'], [1, 'bin'], [2, 'daemon'], [101, 'www-data'], [65534, 'nobody']]),
      groups: new Map([[0, 'root'], [1, 'bin'], [2, 'daemon'], [3, 'sys'], [4, 'adm'], [6, 'disk'], [10, 'wheel'], [11, 'floppy'], [20, 'dialout'], [26, 'tape'], [27, 'video'], [82, 'www-data'], [65534, 'nobody']]),
    }
  }
  return {
    flavour: 'debian',
    // Debian 12 has merged /usr: /bin links to usr/bin.
    programs: SHELL_TOOLS.map((tool) => `/usr/bin/${tool}`),
    env: [['PATH', DEBIAN_PATH]],
    osRelease:
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n',
    users: new Map([[0, 'root'], [1, 'daemon'], [33, 'www-data'], [101, 'nginx'], [65534, 'nobody']]),
    groups: new Map([[0, 'root'], [1, 'daemon'], [33, 'www-data'], [101, 'nginx'], [65534, 'nogroup']]),
  }
}

/** The image's own files: its programs, /etc/os-release, /etc/passwd and /etc/group, and the usual folders. */
export function layImage(fs: ContainerFilesystem, profile: ImageProfile, created: Date): void {
  for (const folder of ['/etc', '/tmp', '/var', '/dev', '/proc', '/sys', '/run']) fs.addDir(folder, created)
  if (profile.flavour !== 'distroless') for (const folder of ['/usr/bin', '/usr/local/bin', '/root', '/home', '/usr/share']) fs.addDir(folder, created)
  if (profile.flavour === 'debian') fs.addSymlink('/bin', 'usr/bin', created)
  else fs.addDir('/bin', created)
  for (const program of profile.programs) fs.addFile(program, '\u007fELF', created, 0o755)
  fs.addFile('/etc/os-release', profile.osRelease, created)
  fs.addFile(
    '/etc/passwd',
    [...profile.users].map(([uid, name]) => `${name}:x:${uid}:${uid}:${name}:${uid === 0 ? '/root' : '/nonexistent'}:${profile.flavour === 'busybox' ? '/bin/sh' : '/usr/sbin/nologin'}`).join('\n') + '\n',
    created,
  )
  fs.addFile('/etc/group', [...profile.groups].map(([gid, name]) => `${name}:x:${gid}:`).join('\n') + '\n', created)
}
