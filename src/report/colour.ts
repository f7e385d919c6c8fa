import {Chalk, type ChalkInstance} from 'chalk'

export interface ColourEnvironment {
  env: Readonly<Record<string, string | undefined>>
  isTTY: boolean | undefined
}

/**
 * Whether to colour output: never under NO_COLOR (https://no-color.org: any non-empty value);
 * FORCE_COLOR=0/false turns it off and any other FORCE_COLOR value turns it on (as chalk's supports-color reads it);
 * otherwise only on a terminal that is not TERM=dumb.
 */
export function colourEnabled({env, isTTY}: ColourEnvironment): boolean {
  if (env.NO_COLOR) return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  return isTTY === true && env.TERM !== 'dumb'
}

/** A chalk instance decided by `colourEnabled`, not by chalk's own detection at import time. */
export function paint(enabled: boolean): ChalkInstance {
  return new Chalk({level: enabled ? 1 : 0})
}
