/**
 * Where r1 keeps what it learns between runs (calibration records, pidfiles): $R1_STATE_DIR, else
 * $XDG_STATE_HOME/r1, else ~/.local/state/r1 (the XDG Base Directory default for state data).
 */
import {homedir} from 'node:os'
import {isAbsolute, join} from 'node:path'

export function stateDir(env: Record<string, string | undefined>): string {
  if (env.R1_STATE_DIR) return env.R1_STATE_DIR
  // XDG: a relative path is invalid and must be ignored.
  if (env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)) return join(env.XDG_STATE_HOME, 'r1')
  return join(env.HOME || homedir(), '.local', 'state', 'r1')
}
