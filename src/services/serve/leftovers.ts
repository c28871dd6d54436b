/**
 * An engine that a killed r1 left running (its record is in the state dir, no r1 supervises it) holds the GPUs
 * and maybe the port: a serve stops it before preflight, and says so.
 *
 * A plain `r1 serve` wants the whole machine, so it stops every orphan. A piece of a disaggregated plan
 * (`r1 serve --role`) may share the machine with the plan's other pieces, each under its own r1: it stops only
 * the orphan recorded for this same piece (roles.ts pieceName: port, role and node), which a restart of the piece
 * replaces anyway. Another piece's orphan is left alone, even though it may hold GPUs this one needs: preflight
 * then reports the busy GPUs, and `r1 serve --stop` stops every engine r1 started.
 */
import type {ServeDeps, ServeEvents, ServeOptions} from './deps.js'

export async function stopLeftovers(deps: Pick<ServeDeps, 'registry'>, options: Pick<ServeOptions, 'stopTimeoutS'>, events: ServeEvents, piece: string | null = null): Promise<void> {
  for (const e of deps.registry?.list() ?? []) {
    if (e.supervised) continue
    if (piece !== null && e.piece !== piece) continue
    events.warn?.(`stopping ${e.engine} (pid ${e.pid}, port ${e.port}) left running by an r1 that was killed (${e.processes} process${e.processes === 1 ? '' : 'es'})`)
    const gone = await deps.registry?.stopOrphan(e, options.stopTimeoutS * 1000)
    if (!gone) events.warn?.(`some processes of that engine (marked R1_OWNER=${e.owner}) could not be stopped`)
  }
}
