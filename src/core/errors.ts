/**
 * Domain errors: a stable code, a plain message and "Try this" suggestions.
 * Only src/cli knows the exit number of each code (src/cli/exit-codes.ts).
 */
export const ERROR_CODES = [
  // usage: bad flags, bad files, impossible requests
  'R1_USAGE',
  'R1_INVALID_FLAGS',
  'R1_UNRECOGNIZED_CAPTURE',
  'R1_BAD_PROFILE',
  'R1_UNKNOWN_GPU',
  'R1_UNKNOWN_MODEL',
  'R1_BAD_PLAN_FILE',
  'R1_BAD_FLEET_FILE',
  'R1_BAD_DATASET',
  'R1_FILE_EXISTS',
  'R1_FILE_NOT_FOUND',
  'R1_SYSTEM_PROMPT_REFUSED',
  'R1_PROMPT_NEEDS_TTY',
  'R1_UNUSABLE_LOG',
  'R1_UNKNOWN_RECORD',
  // the plan does not fit
  'R1_DOES_NOT_FIT',
  // hardware
  'R1_NO_NVIDIA_SMI',
  'R1_NVIDIA_SMI_FAILED',
  'R1_NO_GPU',
  'R1_GPU_MISMATCH',
  // engine lifecycle
  'R1_ENGINE_MISSING',
  'R1_PREFLIGHT_FAILED',
  'R1_PORT_BUSY',
  'R1_ENGINE_FAILED',
  'R1_ENGINE_NOT_READY',
  // a running server (chat, eval, bench)
  'R1_SERVER_UNREACHABLE',
  'R1_SERVER_ERROR',
  'R1_BAD_STREAM',
  // the user stopped us
  'R1_INTERRUPTED',
  // io
  'R1_IO',
  // ours
  'R1_BUG',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export class R1Error extends Error {
  readonly code: ErrorCode
  readonly suggestions: string[]
  /** Data that still belongs in the JSON envelope (for example the full plan when nothing fits). */
  readonly data?: unknown

  constructor(code: ErrorCode, message: string, options: {cause?: unknown; data?: unknown; suggestions?: string[]} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'R1Error'
    this.code = code
    this.suggestions = options.suggestions ?? []
    this.data = options.data
  }
}

export function isR1Error(error: unknown): error is R1Error {
  return error instanceof R1Error
}
