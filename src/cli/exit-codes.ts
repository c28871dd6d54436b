import type {ErrorCode} from '../core/errors.js'

/** The one table from error code to exit code (STYLE.md §4). */
export const EXIT = {
  ok: 0,
  bug: 1,
  usage: 2,
  doesNotFit: 3,
  noGpu: 4,
  engine: 5,
  server: 6,
  interrupted: 130,
} as const

export const EXIT_CODES: Record<ErrorCode, number> = {
  R1_USAGE: EXIT.usage,
  R1_INVALID_FLAGS: EXIT.usage,
  R1_UNRECOGNIZED_CAPTURE: EXIT.usage,
  R1_BAD_PROFILE: EXIT.usage,
  R1_UNKNOWN_GPU: EXIT.usage,
  R1_UNKNOWN_MODEL: EXIT.usage,
  R1_BAD_PLAN_FILE: EXIT.usage,
  R1_BAD_FLEET_FILE: EXIT.usage,
  R1_BAD_DATASET: EXIT.usage,
  R1_FILE_EXISTS: EXIT.usage,
  R1_FILE_NOT_FOUND: EXIT.usage,
  R1_SYSTEM_PROMPT_REFUSED: EXIT.usage,
  R1_PROMPT_NEEDS_TTY: EXIT.usage,
  R1_UNUSABLE_LOG: EXIT.usage,
  R1_UNKNOWN_RECORD: EXIT.usage,
  R1_DOES_NOT_FIT: EXIT.doesNotFit,
  R1_NO_NVIDIA_SMI: EXIT.noGpu,
  R1_NVIDIA_SMI_FAILED: EXIT.noGpu,
  R1_NO_GPU: EXIT.noGpu,
  R1_GPU_MISMATCH: EXIT.noGpu,
  R1_ENGINE_MISSING: EXIT.engine,
  R1_PREFLIGHT_FAILED: EXIT.engine,
  R1_PORT_BUSY: EXIT.engine,
  R1_ENGINE_FAILED: EXIT.engine,
  R1_ENGINE_NOT_READY: EXIT.engine,
  R1_SERVER_UNREACHABLE: EXIT.server,
  R1_SERVER_ERROR: EXIT.server,
  R1_BAD_STREAM: EXIT.server,
  R1_INTERRUPTED: EXIT.interrupted,
  R1_IO: EXIT.bug,
  R1_BUG: EXIT.bug,
}

/** Shown in the help of the commands that use it. */
export const EXIT_CODE_HELP = `EXIT CODES
  0    ok
  1    a bug in r1 (rerun with --verbose for the trace) or an I/O failure
  2    usage: bad flags, a bad file or profile, an unknown GPU or model
  3    does not fit: nothing fits as asked (the full plan is still printed)
  4    no GPU, no nvidia-smi, or nvidia-smi failed
  5    the engine is missing, failed preflight, failed to start or to become ready
  6    the server answered with an error, could not be reached, or sent a malformed stream
  130  interrupted (Ctrl-C / SIGTERM)`
