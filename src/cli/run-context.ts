/** What every service receives from the command layer: the one runner, the environment, a logger. */
import type {Catalog} from '../core/profiles/catalog.js'
import {readEnv} from '../io/env.js'
import {createRunner, type Runner} from '../io/exec.js'
import {loadCatalog} from '../io/profiles.js'

export interface CliContext {
  runner: Runner
  env: Record<string, string | undefined>
  /** stderr, under --verbose only. */
  debug: (line: string) => void
  /** The profile catalog: built-in, plus --profiles DIR / R1_PROFILES when given. */
  loadCatalog: (profilesDir?: string) => Promise<Catalog>
}

export function cliContext(verbose: boolean): CliContext {
  const debug = (line: string) => {
    if (verbose) process.stderr.write(`${line}\n`)
  }

  return {
    debug,
    env: readEnv(),
    loadCatalog: (profilesDir) => loadCatalog({profilesDir: profilesDir || undefined}),
    runner: createRunner({log: verbose ? debug : undefined}),
  }
}
