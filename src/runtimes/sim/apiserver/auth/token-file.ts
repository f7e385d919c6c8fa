/**
 * --token-auth-file: a CSV of `token,user,uid,"group1,group2"` (k8s.io/apiserver/.../token/tokenfile), read once at
 * start-up as the real one is.
 */
import {StartupError} from '../errors.js'
import {NO_OPINION, type AuthenticatorAnswer, type UserInfo} from './user.js'

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = []
  let current = ''
  let quoted = false
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        current += '"'
        index += 1
      } else if (char === '"') {
        quoted = false
      } else {
        current += char
      }
    } else if (char === '"') {
      quoted = true
    } else if (char === ',') {
      fields.push(current)
      current = ''
    } else {
      current += char
    }
  }
  fields.push(current)
  return fields
}

export class StaticTokenAuthenticator {
  private constructor(private readonly tokens: ReadonlyMap<string, UserInfo>) {}

  static fromCsv(path: string, text: string): StaticTokenAuthenticator {
    const tokens = new Map<string, UserInfo>()
    for (const rawLine of text.split(/\r?\n/)) {
      if (rawLine.trim() === '') continue
      const record = parseCsvLine(rawLine)
      if (record.length < 3) {
        throw new StartupError(
          `token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`,
          'token-auth-file',
          path,
        )
      }
      const [token = '', name = '', uid = '', groups = ''] = record
      if (token === '') continue
      tokens.set(token, {name, uid, groups: groups === '' ? [] : groups.split(',').map((group) => group.trim())})
    }
    return new StaticTokenAuthenticator(tokens)
  }

  authenticate(token: string): AuthenticatorAnswer {
    const user = this.tokens.get(token)
    return user ? {kind: 'user', user} : NO_OPINION
  }
}
