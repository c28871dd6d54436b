// r1 detect from a saved table capture (no nvidia-smi, no host facts): the cost of r1's own start-up and parsing.
import {join} from 'node:path'

import {BIN, report, ROOT, timeNode} from './lib.mjs'

const TABLE = join(ROOT, 'test', 'fixtures', 'nvidia-smi', 'h100-sxm5-80gb-x8.driver565.table.txt')
const XML = join(ROOT, 'test', 'fixtures', 'nvidia-smi', 'a100-sxm4-80gb-mig.q.xml')

export async function run() {
  report('r1 detect --from-file <8×H100 table> --json', timeNode([BIN, 'detect', '--from-file', TABLE, '--json'], {runs: 10}))
  report('r1 detect --from-file <A100 MIG -q -x> --json', timeNode([BIN, 'detect', '--from-file', XML, '--json'], {runs: 10}))
}
