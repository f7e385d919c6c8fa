import {readdir} from 'node:fs/promises'
import {AmbiguousLabError, LabRecordError, NoLabError, UnknownLabError} from './errors.js'
import {checkLabName, KUBELAB_LAB_ENV, labDirFor, labsDir, type Environment} from './home.js'
import {readLabRecord, type LabRecord} from './record.js'

/** One folder under labs/: its record, or why it has none. */
export interface LabEntry {
  name: string
  dir: string
  record?: LabRecord
  problem?: LabRecordError
}

/** A lab with a readable record: what most commands need. */
export interface Lab {
  name: string
  dir: string
  record: LabRecord
}

/** Every lab folder, by name. */
export async function listLabs(home: string): Promise<LabEntry[]> {
  let names: string[]
  try {
    names = (await readdir(labsDir(home), {withFileTypes: true})).filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return Promise.all(
    names.sort().map(async (name): Promise<LabEntry> => {
      const dir = labDirFor(home, name)
      try {
        return {name, dir, record: await readLabRecord(dir)}
      } catch (error) {
        if (error instanceof LabRecordError) return {name, dir, problem: error}
        throw error
      }
    }),
  )
}

/**
 * The lab a command acts on: the one named, else $KUBELAB_LAB, else the only lab there is.
 * With several labs and no name the command refuses and lists them.
 */
export async function resolveLabName(requested: string | undefined, home: string, env: Environment = process.env): Promise<string> {
  const labs = await listLabs(home)
  const names = labs.map((lab) => lab.name)
  const wanted = requested ?? env[KUBELAB_LAB_ENV]
  if (wanted !== undefined && wanted !== '') {
    checkLabName(wanted)
    if (!names.includes(wanted)) throw new UnknownLabError(wanted, names)
    return wanted
  }
  if (names.length === 0) throw new NoLabError()
  if (names.length > 1) throw new AmbiguousLabError(names)
  return names[0] as string
}

/** The lab with its record; see resolveLabName for which one. */
export async function resolveLab(requested: string | undefined, home: string, env: Environment = process.env): Promise<Lab> {
  const name = await resolveLabName(requested, home, env)
  const dir = labDirFor(home, name)
  return {name, dir, record: await readLabRecord(dir)}
}
