import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {didYouMean} from '../scenario/suggest.js'
import {LessonError, UnknownLessonError} from './errors.js'
import type {Lesson} from './model.js'
import {parseLesson} from './parse.js'

/** The shipped lessons: <package>/lessons, two folders up from this module in src/ and in dist/. */
export function lessonsDirectory(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'lessons')
}

/** Reads and parses one lesson file; every problem is a LessonError naming the file and line. */
export async function loadLesson(file: string): Promise<Lesson> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new LessonError(file, [{line: 1, reason: `cannot read the lesson: ${(error as Error).message}`}])
  }
  return parseLesson(text, file)
}

/** The lesson files of a folder: every *.md except a README, in file-name order. */
export async function lessonFiles(dir: string = lessonsDirectory()): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    throw new LessonError(dir, [{line: 1, reason: `cannot read the lessons folder: ${(error as Error).message}`}])
  }
  return names
    .filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md')
    .sort()
    .map((name) => path.join(dir, name))
}

/** Every lesson in a folder, in file-name order. The first broken file stops the load with its LessonError. */
export async function loadLessons(dir: string = lessonsDirectory()): Promise<Lesson[]> {
  const lessons: Lesson[] = []
  for (const file of await lessonFiles(dir)) lessons.push(await loadLesson(file))
  return lessons
}

/**
 * The lesson with this id: lessons are named after their ids, so only <dir>/<id>.md is read. An unknown id is an
 * UnknownLessonError naming the known ids and the closest one.
 */
export async function findLesson(id: string, dir: string = lessonsDirectory()): Promise<Lesson> {
  const files = await lessonFiles(dir)
  const file = files.find((candidate) => path.basename(candidate, '.md') === id)
  if (file) return loadLesson(file)
  const knownIds = files.map((candidate) => path.basename(candidate, '.md'))
  throw new UnknownLessonError(id, dir, knownIds, didYouMean(id, knownIds))
}
