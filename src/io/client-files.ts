/** Files of chat/eval/bench: reading a dataset or a plan, writing eval's per-sample JSONL. */
import {createWriteStream, existsSync} from 'node:fs'

import {R1Error} from '../core/errors.js'

export {readTextFile} from './files.js'

export function fileExists(path: string): boolean {
  return existsSync(path)
}

export interface LineWriter {
  write(line: string): void
  close(): Promise<void>
}

/** A JSONL file written line by line as results arrive (so an interrupted run keeps what it had). */
export function createLineWriter(path: string): LineWriter {
  const stream = createWriteStream(path, {encoding: 'utf8'})
  let failure: Error | undefined
  stream.on('error', (error) => (failure = error))
  return {
    close: () =>
      new Promise((resolve, reject) => {
        const fail = (error: Error) => reject(new R1Error('R1_IO', `cannot write ${path}: ${error.message}`, {cause: error}))
        if (failure) return fail(failure)
        stream.once('error', fail)
        stream.end(() => resolve())
      }),
    write(line) {
      stream.write(`${line}\n`)
    },
  }
}
