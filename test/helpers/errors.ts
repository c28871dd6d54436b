import {R1Error} from '../../src/core/errors.js'

/** The R1Error code that fn throws (undefined when it does not throw; a marker when it throws something else). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof R1Error ? error.code : `not an R1Error: ${String(error)}`
  }

  return undefined
}
