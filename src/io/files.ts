/**
 * Reading a file or stdin for the commands that take `--from-file PATH` (`-` for stdin); writing the
 * files r1 makes for the user (plans, reports) atomically, never over an existing file unless asked, and
 * never over anything but a regular file (a device, FIFO, socket or folder is refused even with --force).
 */
import {closeSync, constants, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, type Stats, statSync, writeSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {R1Error} from '../core/errors.js'
import {quoteForeign} from '../core/text/sanitize.js'
import {ioError} from './io-error.js'
import {decodeText} from './text-decode.js'

/** The largest file r1 reads as input (captures, fleet files, plans, datasets): far above any real one. */
export const MAX_INPUT_BYTES = 16 * 2 ** 20

export async function readTextFile(path: string, options: {maxBytes?: number} = {}): Promise<string> {
  if (path === '') throw new R1Error('R1_USAGE', 'the file name is empty', {suggestions: ['Pass the path of a file, or `-` to read from stdin.']})
  const max = options.maxBytes ?? MAX_INPUT_BYTES
  let bytes: Buffer
  try {
    // Non-blocking: opening a FIFO must not wait for a writer.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      const stat = await handle.stat()
      if (stat.isDirectory()) throw Object.assign(new Error('is a folder'), {code: 'EISDIR'})
      if (!stat.isFile()) throw new R1Error('R1_USAGE', `${quoteForeign(path)} is ${kindOf(stat)}, not a regular file`, {suggestions: ['Pass the path of a file, or `-` to read from stdin.']})
      if (stat.size > max) throw tooLarge(path, stat.size, max)
      bytes = await handle.readFile()
    } finally {
      await handle.close()
    }
  } catch (error) {
    if (error instanceof R1Error) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new R1Error('R1_FILE_NOT_FOUND', `file not found: ${quoteForeign(path)}`, {suggestions: ['Check the path, or pass `-` to read from stdin.']})
    if (code === 'EISDIR') throw new R1Error('R1_USAGE', `${quoteForeign(path)} is a folder, not a file`, {suggestions: ['Pass the path of a file.']})
    throw ioError('read', path, error)
  }

  if (bytes.length > max) throw tooLarge(path, bytes.length, max)
  return decodeText(bytes, quoteForeign(path))
}

function tooLarge(what: string, size: number, max: number): R1Error {
  return new R1Error('R1_USAGE', `${quoteForeign(what)} is ${mib(size)}: r1 reads input files up to ${mib(max)}`, {
    suggestions: ['Pass the capture or file itself (real ones are a few hundred KB), not a log or an archive.'],
  })
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`

/** All of stdin as text (an empty string when stdin is a terminal: nothing was piped), up to the input limit. */
export async function readStdin(stream: NodeJS.ReadStream = process.stdin, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  if (stream.isTTY) return ''
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += b.length
    if (size > maxBytes) {
      stream.destroy()
      throw tooLarge('stdin', size, maxBytes)
    }

    chunks.push(b)
  }

  return decodeText(Buffer.concat(chunks), 'stdin')
}

/** A small system file (/proc, /etc, the device tree): its text, or null when it is absent or unreadable. */
export async function readOptionalFile(path: string, maxBytes = 1 << 20): Promise<string | null> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      if (!(await handle.stat()).isFile()) return null
      const buffer = Buffer.alloc(maxBytes)
      const {bytesRead} = await handle.read(buffer, 0, maxBytes, 0)
      return buffer.subarray(0, bytesRead).toString('utf8')
    } finally {
      await handle.close()
    }
  } catch {
    return null
  }
}

export interface WriteOptions {
  /** Replace an existing regular file. */
  force?: boolean
  /** The flag that allows overwriting, for the error's suggestion. */
  forceFlag?: string
}

/**
 * Write `text` to `path` atomically: a temporary file in the same folder, written and fsynced, then a rename
 * (with force) or a hard link that fails if the target exists (without), so a reader never sees half a file
 * and a file that appears meanwhile is not clobbered. Only a regular file is ever replaced: a device, FIFO,
 * socket or folder is refused (R1_IO) even with force. A symbolic link to a regular file stays a link: the
 * file it points to is replaced. Returns the absolute path written.
 */
export function writeFileAtomic(path: string, text: string, options: WriteOptions = {}): string {
  if (path.trim() === '') {
    throw new R1Error('R1_USAGE', 'the output file name is empty', {suggestions: ['Pass a file name, e.g. --out plan.json.']})
  }

  let target = resolve(path)
  const existing = statOrNull(target, path)
  if (existing) {
    if (!options.force) throw fileExists(path, options.forceFlag)
    if (!existing.isFile()) {
      throw new R1Error('R1_IO', `${quoteForeign(path)} is ${kindOf(existing)}: r1 replaces only regular files, even with ${options.forceFlag ?? '--force'}`, {
        suggestions: ['Choose the name of a regular file (r1 writes plans and reports to files, not devices or folders).'],
      })
    }

    target = realpathOrSelf(target)
  }

  const dir = dirname(target)
  const tmp = join(dir, `.${basename(target).slice(0, 100)}.${process.pid}.${Date.now()}.tmp`)
  let made = false
  try {
    mkdirSync(dir, {recursive: true})
    writeDurable(tmp, text, existing ? existing.mode & 0o777 : 0o644)
    made = true
    if (options.force) {
      // Between the check and now, something else may have taken the name: check again, as late as possible.
      const now = statOrNull(target, path)
      if (now && !now.isFile()) throw new R1Error('R1_IO', `${quoteForeign(path)} is ${kindOf(now)}: r1 replaces only regular files`)
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

    syncDir(dir)
  } catch (error) {
    if (error instanceof R1Error) throw error
    throw ioError('write', path, error)
  } finally {
    if (made) {
      try {
        rmSync(tmp, {force: true})
      } catch {
        // the temporary file is gone or its folder is unreachable: nothing left to clean
      }
    }
  }

  return target
}

/** What is at `target` (following links), null when nothing is; a path that cannot be looked at is R1_IO. */
function statOrNull(target: string, shown: string): Stats | null {
  try {
    return statSync(target)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      // A dangling symbolic link: writing through it would create a file elsewhere; refuse it.
      try {
        if (lstatSync(target).isSymbolicLink()) throw new R1Error('R1_IO', `${quoteForeign(shown)} is a symbolic link to nothing`, {suggestions: ['Remove the link or choose another name.']})
      } catch (inner) {
        if (inner instanceof R1Error) throw inner
      }

      return null
    }

    throw ioError('write', shown, error)
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

function writeDurable(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'wx', mode)
  try {
    const bytes = Buffer.from(text, 'utf8')
    let at = 0
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** The rename itself survives a crash only once the folder is synced (best effort: some file systems refuse). */
function syncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // not supported here
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

export function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder'
  if (stat.isCharacterDevice()) return 'a character device'
  if (stat.isBlockDevice()) return 'a block device'
  if (stat.isFIFO()) return 'a FIFO (named pipe)'
  if (stat.isSocket()) return 'a socket'
  if (stat.isSymbolicLink()) return 'a symbolic link'
  return stat.isFile() ? 'a regular file' : 'not a regular file'
}

function writeExclusive(target: string, text: string, path: string, flag?: string): void {
  try {
    writeDurable(target, text, 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(path, flag)
    throw error
  }
}

function fileExists(path: string, flag = '--force'): R1Error {
  return new R1Error('R1_FILE_EXISTS', `${quoteForeign(path)} already exists`, {
    suggestions: [`Pass ${flag} to replace it, or choose another file name.`],
  })
}
