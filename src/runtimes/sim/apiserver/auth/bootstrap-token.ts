/**
 * Bootstrap-token authentication (--enable-bootstrap-token-auth; plugin/pkg/auth/authenticator/token/bootstrap):
 * `<id>.<secret>` matches the kube-system Secret `bootstrap-token-<id>` of type bootstrap.kubernetes.io/token that
 * allows authentication and has not expired. User `system:bootstrap:<id>`, groups system:bootstrappers plus the
 * secret's auth-extra-groups.
 */
import {stringField, type KubeObject} from '../api/object.js'
import {NO_OPINION, type AuthenticatorAnswer} from './user.js'

const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/

export class BootstrapTokenAuthenticator {
  constructor(private readonly secret: (namespace: string, name: string) => Promise<KubeObject | undefined>) {}

  async authenticate(token: string): Promise<AuthenticatorAnswer> {
    const match = TOKEN_PATTERN.exec(token)
    if (!match) return NO_OPINION
    const [, id = '', tokenSecret = ''] = match
    const secret = await this.secret('kube-system', `bootstrap-token-${id}`)
    if (!secret || stringField(secret, 'type') !== 'bootstrap.kubernetes.io/token') return NO_OPINION
    const data = (key: string): string | undefined => {
      const value = stringField(secret, 'data', key)
      return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8')
    }
    if (data('token-id') !== id || data('token-secret') !== tokenSecret) return NO_OPINION
    if (data('usage-bootstrap-authentication') !== 'true') return NO_OPINION
    const expiration = data('expiration')
    if (expiration !== undefined && Date.parse(expiration) < Date.now()) return NO_OPINION
    const extraGroups = (data('auth-extra-groups') ?? '').split(',').filter((group) => group !== '')
    return {kind: 'user', user: {name: `system:bootstrap:${id}`, groups: ['system:bootstrappers', ...extraGroups]}}
  }
}
