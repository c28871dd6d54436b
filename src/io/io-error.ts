/**
 * File-system failures as R1_IO errors that name the path and the operating system's reason (never a
 * stack trace, never "a bug in r1"): ENOTDIR, ENAMETOOLONG, ELOOP, EACCES, ENOSPC, EROFS…
 */
import {R1Error} from '../core/errors.js'
import {quoteForeign} from '../core/text/sanitize.js'

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EBUSY: 'the file is busy',
  EEXIST: 'it already exists',
  EFBIG: 'the file is too large',
  EISDIR: 'it is a folder',
  ELOOP: 'too many levels of symbolic links (a link loop?)',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long for the file system',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EXDEV: 'it is on another file system',
}

/** "a part of the path is a file, not a folder (ENOTDIR)", or the error's own message. */
export function osReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`
  const message = error instanceof Error ? error.message : String(error)
  return code ? `${code}: ${message}` : message
}

export function ioError(action: string, path: string, error: unknown, suggestions: string[] = []): R1Error {
  return new R1Error('R1_IO', `cannot ${action} ${quoteForeign(path)}: ${osReason(error)}`, {cause: error, suggestions})
}
