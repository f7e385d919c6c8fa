import {describe, expect, it} from '@jest/globals'
import {validateFlags} from '../../../../src/runtimes/sim/apiserver/config.js'
import {FlagParseError} from '../../../../src/runtimes/sim/apiserver/errors.js'
import {apiserverFlags, parseCommandLine, parseGoDurationSeconds} from '../../../../src/runtimes/sim/apiserver/flags.js'
import {parseKubeVersion} from '../../../../src/runtimes/sim/apiserver/version.js'

const v119 = parseKubeVersion('1.19.16')
const v122 = parseKubeVersion('v1.22.17')
const v130 = parseKubeVersion('1.30.2')

function flagsFor(argv: string[], version = v130) {
  return apiserverFlags(parseCommandLine(argv, version), version)
}

function parseError(argv: string[], version = v130): FlagParseError {
  try {
    parseCommandLine(argv, version)
  } catch (error) {
    if (error instanceof FlagParseError) return error
    throw error
  }
  throw new Error(`${argv.join(' ')} parsed without error`)
}

describe('kube-apiserver command line', () => {
  it('reads --flag=value and --flag value alike, and normalises underscores', () => {
    const flags = flagsFor(['--secure-port=7443', '--bind-address', '127.0.0.2', '--etcd_servers=http://127.0.0.1:2379'])
    expect(flags.securePort).toBe(7443)
    expect(flags.bindAddress).toBe('127.0.0.2')
    expect(flags.etcdServers).toEqual(['http://127.0.0.1:2379'])
  })

  it('treats a bare boolean flag as true and does not swallow the next argument', () => {
    const flags = flagsFor(['--anonymous-auth=false', '--profiling', '--secure-port=1'])
    expect(flags.anonymousAuth).toBe(false)
    expect(flags.profiling).toBe(true)
    expect(flags.securePort).toBe(1)
  })

  it('splits string slices on commas and appends repeated ones; string arrays only append', () => {
    const flags = flagsFor([
      '--authorization-mode=Node,RBAC',
      '--service-account-key-file=/a.pub',
      '--service-account-key-file=/b.pub',
      '--etcd-servers=https://a:2379,https://b:2379',
      '--etcd-servers=https://c:2379',
    ])
    expect(flags.authorizationModes).toEqual(['Node', 'RBAC'])
    expect(flags.serviceAccountKeyFiles).toEqual(['/a.pub', '/b.pub'])
    expect(flags.etcdServers).toEqual(['https://a:2379', 'https://b:2379', 'https://c:2379'])
  })

  it('has the real defaults, with 8080 as the insecure port only up to 1.19', () => {
    expect(flagsFor([], v119)).toMatchObject({anonymousAuth: true, authorizationModes: ['AlwaysAllow'], securePort: 6443, insecurePort: 8080, profiling: true})
    expect(flagsFor([], v130).insecurePort).toBe(0)
  })

  it("rejects an unknown flag with pflag's text", () => {
    expect(parseError(['--secure-port=6443', '--foo=bar']).message).toBe('unknown flag: --foo')
    expect(parseError(['-x']).message).toBe("unknown shorthand flag: 'x' in -x")
  })

  it('knows --insecure-port before 1.24 and not after', () => {
    expect(flagsFor(['--insecure-port=0'], v122).insecurePort).toBe(0)
    expect(parseError(['--insecure-port=0'], v130).message).toBe('unknown flag: --insecure-port')
  })

  it('prints the deprecation notice of the version', () => {
    expect(parseCommandLine(['--insecure-port=0'], v119).deprecationNotices).toEqual([
      'Flag --insecure-port has been deprecated, This flag will be removed in a future version.',
    ])
    expect(parseCommandLine(['--insecure-port=0'], v122).deprecationNotices).toEqual([
      'Flag --insecure-port has been deprecated, This flag has no effect now and will be removed in v1.24.',
    ])
  })

  it('reports bad values and missing values as pflag does', () => {
    expect(parseError(['--secure-port=abc']).message).toBe(
      'invalid argument "abc" for "--secure-port" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    )
    expect(parseError(['--anonymous-auth=maybe']).message).toBe(
      'invalid argument "maybe" for "--anonymous-auth" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    )
    expect(parseError(['--bind-address=nowhere']).message).toBe('invalid argument "nowhere" for "--bind-address" flag: failed to parse IP: "nowhere"')
    expect(parseError(['--tls-cert-file']).message).toBe('flag needs an argument: --tls-cert-file')
    expect(parseError(['stray']).message).toBe('"kube-apiserver" does not take any arguments, got ["stray"]')
  })

  it("parses Go durations", () => {
    expect(parseGoDurationSeconds('1h30m')).toBe(5400)
    expect(parseGoDurationSeconds('500ms')).toBe(0.5)
    expect(() => parseGoDurationSeconds('soon')).toThrow('time: invalid duration "soon"')
  })
})

describe('validation with the real messages', () => {
  const complete = [
    '--etcd-servers=http://127.0.0.1:2379',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-account-signing-key-file=/sa.key',
  ]
  const messages = (argv: string[], version = v130): string[] => validateFlags(flagsFor(argv, version), version).map((error) => error.message)

  it('accepts a complete command line', () => {
    expect(messages(complete)).toEqual([])
  })

  it('names missing etcd servers and service-account flags (1.20+)', () => {
    expect(messages([])).toEqual([
      '--etcd-servers must be specified',
      'service-account-issuer is a required flag',
      '--service-account-signing-key-file and --service-account-issuer are required flags',
    ])
    expect(messages([], v119)).toEqual(['--etcd-servers must be specified'])
  })

  it('rejects unknown and repeated authorization modes', () => {
    expect(messages([...complete, '--authorization-mode=Foo'])).toEqual(['authorization-mode "Foo" is not a valid mode'])
    expect(messages([...complete, '--authorization-mode=RBAC,RBAC'])).toEqual(['authorization-mode ["RBAC" "RBAC"] has mode specified more than once'])
  })

  it('accepts only 0 as the insecure port from 1.20 to 1.23', () => {
    expect(messages([...complete, '--insecure-port=8080'], v122)).toEqual(['invalid port value 8080: only zero is allowed'])
    expect(messages([...complete, '--insecure-port=0'], v122)).toEqual([])
    expect(messages(['--etcd-servers=http://x', '--insecure-port=8080'], v119)).toEqual([])
  })
})
