/**
 * nvidia-smi tables of many GPUs with memory in use, built from a real capture: the GPU block of
 * shared/fixtures/nvidia-smi/h100-sxm5-80gb-x8.driver565.table.txt (test/fixtures, verbatim) repeated and renumbered.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {FIXTURES} from './cli.js'

export const X8 = readFileSync(join(FIXTURES, 'nvidia-smi', 'h100-sxm5-80gb-x8.driver565.table.txt'), 'utf8')

/** The x8 table with `count` GPUs; GPU i has usedMiB(i) MiB in use (the fixture's GPUs have 1 MiB). */
export function busyTable(count: number, usedMiB: (i: number) => number): string {
  const lines = X8.split('\n')
  const start = lines.findIndex((l) => /^\|\s+0\s+NVIDIA H100/.test(l))
  const block = lines.slice(start, start + 4)
  const gpus = Array.from({length: count}, (_, i) => [
    block[0].replace(/^\|\s+0 /, `| ${String(i).padStart(3)} `),
    block[1].replace(/ {5}1MiB \//, ` ${String(usedMiB(i)).padStart(5)}MiB /`),
    block[2],
    block[3],
  ]).flat()
  return [...lines.slice(0, start), ...gpus, ...lines.slice(start + 32)].join('\n')
}
