// The cost of r1's own start: a command that reads the prebuilt catalog and prints JSON.
import {BIN, report, timeNode} from './lib.mjs'

export async function run() {
  report('r1 profiles list --json', timeNode([BIN, 'profiles', 'list', '--json']))
}
