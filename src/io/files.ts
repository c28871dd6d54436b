/**
 * Reading a file or stdin for the commands that take `--from-file PATH` (`-` for stdin); writing the
 * files r1 makes for the user (plans, reports) atomically, never over an existing file unless asked.
 */
import {existsSync, linkSync, mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {readFile as fsReadFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {R1Error} from '../core/errors.js'

export async function readTextFile(path: string): Promise<string> {
  try {
    return await fsReadFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new R1Error('R1_FILE_NOT_FOUND', `file not found: ${path}`, {suggestions: ['Check the path, or pass `-` to read from stdin.']})
    if (code === 'EISDIR') throw new R1Error('R1_USAGE', `${path} is a folder, not a file`, {suggestions: ['Pass the path of a file.']})
    throw new R1Error('R1_IO', `cannot read ${path}: ${(error as Error).message}`, {cause: error})
  }
}

/** All of stdin as text (an empty string when stdin is a terminal: nothing was piped). */
export async function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stream.isTTY) return ''
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/** A small system file (/proc, /etc): its text, or null when it is absent or unreadable. */
export async function readOptionalFile(path: string): Promise<string | null> {
  try {
    return await fsReadFile(path, 'utf8')
  } catch {
    return null
  }
}

export interface WriteOptions {
  /** Replace an existing file. */
  force?: boolean
  /** The flag that allows overwriting, for the error's suggestion. */
  forceFlag?: string
}

/**
 * Write `text` to `path` atomically: a temporary file in the same folder, then a rename (with
 * force) or a hard link that fails if the target exists (without), so a reader never sees half a
 * file and a file that appears meanwhile is not clobbered. Returns the absolute path.
 */
export function writeFileAtomic(path: string, text: string, options: WriteOptions = {}): string {
  const target = resolve(path)
  if (!options.force && existsSync(target)) throw fileExists(path, options.forceFlag)
  const dir = dirname(target)
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`)
  try {
    mkdirSync(dir, {recursive: true})
    writeFileSync(tmp, text, {mode: 0o644})
    if (options.force) {
      renameSync(tmp, target)
    } else {
      try {
        linkSync(tmp, target)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EEXIST') throw fileExists(path, options.forceFlag)
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error
        // A file system without hard links: exclusive create instead (not atomic, still never clobbers).
        writeExclusive(target, text, path, options.forceFlag)
      }
    }
  } catch (error) {
    if (error instanceof R1Error) throw error
    throw new R1Error('R1_IO', `could not write ${path}: ${(error as Error).message}`, {cause: error})
  } finally {
    rmSync(tmp, {force: true})
  }

  return target
}

function writeExclusive(target: string, text: string, path: string, flag?: string): void {
  try {
    writeFileSync(target, text, {flag: 'wx', mode: 0o644})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(path, flag)
    throw error
  }
}

function fileExists(path: string, flag = '--force'): R1Error {
  return new R1Error('R1_FILE_EXISTS', `${path} already exists`, {
    suggestions: [`Pass ${flag} to replace it, or choose another file name.`],
  })
}
